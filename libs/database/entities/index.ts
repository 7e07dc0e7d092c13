export * from './organization.entity';
export * from './domain.entity';
export * from './user.entity';
export * from './tenant-migration-ledger.entity';
