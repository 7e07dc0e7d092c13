export * from './billing.errors';
export * from './billing.module';
export * from './money';
export * from './payment-provider';
export * from './payment-settlement.service';
export * from './payments.service';
export * from './plan-limits';
export * from './subscriptions.service';
