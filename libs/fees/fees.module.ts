import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';

/**
 * School fees (docs/FEES.md): setup (heads, structures, concessions, late fines, the school's
 * eSewa merchant), invoices, payments and receipts, credit and refunds, online payment by
 * guardians, and the reports. The services take the caller as an argument, so a command or a
 * job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class FeesModule {}
