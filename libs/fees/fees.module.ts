import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { InvoiceGenerationRepository } from './invoice-generation.repository';
import { InvoiceGenerationService } from './invoice-generation.service';
import { InvoicesController } from './invoices.controller';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';
import { LateFinesController } from './late-fines.controller';
import { LateFinesRepository } from './late-fines.repository';
import { LateFinesService } from './late-fines.service';

/**
 * School fees (docs/FEES.md): setup (heads, structures, concessions, late fines, the school's
 * eSewa merchant), invoices, payments and receipts, credit and refunds, online payment by
 * guardians, and the reports. The services take the caller as an argument, so a command or a
 * job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [InvoicesController, LateFinesController],
  providers: [
    InvoicesRepository,
    InvoicesService,
    InvoiceGenerationRepository,
    InvoiceGenerationService,
    LateFinesRepository,
    LateFinesService,
  ],
  exports: [InvoicesService],
})
export class FeesModule {}
