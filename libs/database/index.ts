export * from './database.module';
export * from './database-url';
export * from './embedded-postgres';
export * from './entities';
export * from './prepare-database';
export * from './postgres-errors';
export * from './open-database';
export * from './throwaway-database';
