export * from './fees.errors';
export * from './fees-ledger';
export * from './fees.module';
export * from './payments-ledger';
export * from './csv';
export * from './reports.service';
