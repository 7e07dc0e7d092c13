import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The permission catalog is synced into every school like a migration that reruns whenever
 * the code's catalog changes; the ledger remembers which catalog each school has, so
 * `tenants migrate` finds the schools to sync with the same single query.
 */
export class LedgerCatalogVersion1763900000400 implements MigrationInterface {
  name = 'LedgerCatalogVersion1763900000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tenant_migration_ledger ADD COLUMN catalog_version text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tenant_migration_ledger DROP COLUMN catalog_version`);
  }
}
