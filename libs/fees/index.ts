export * from './fees.errors';
export * from './fees-ledger';
export * from './fees.module';
export * from './payments-ledger';
export * from './merchant-settings.service';
export * from './online-payments.service';
export * from './online.errors';
