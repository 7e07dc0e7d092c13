import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The ledger's second version column now holds a digest of the whole tenant release (every
 * migration name and the permission catalog), not of the catalog alone: a migration merged
 * with an older timestamp than one already deployed changes the digest, so every school is
 * found behind and gets it, where comparing only the newest name would miss it.
 */
export class LedgerSchemaVersion1763900000800 implements MigrationInterface {
  name = 'LedgerSchemaVersion1763900000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE tenant_migration_ledger RENAME COLUMN catalog_version TO schema_version`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE tenant_migration_ledger RENAME COLUMN schema_version TO catalog_version`,
    );
  }
}
