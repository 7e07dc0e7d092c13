export * from './fees.errors';
export * from './fees-ledger';
export * from './fees.module';
export * from './payments-ledger';
export { ReceiptsService } from './receipts.service';
export type { ReceiptView } from './dto/payments.dto';
export * from './csv';
export * from './reports.service';
