import { ApiProperty } from '@nestjs/swagger';

export class FeeRemindersView {
  @ApiProperty({ description: 'Invoices overdue today' }) invoices!: number;
  @ApiProperty({ description: 'Notices written now (none twice for an invoice on one day)' })
  notified!: number;
  @ApiProperty({ description: 'Mails queued for those notices' }) deliveries!: number;
}
