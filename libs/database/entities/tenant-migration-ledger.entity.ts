import { Column, Entity, PrimaryColumn } from 'typeorm';

export type LedgerState = 'current' | 'pending' | 'migrating' | 'failed';

/** Which school is at which tenant migration: "what is pending" is one query over this table. */
@Entity({ name: 'tenant_migration_ledger', schema: 'public' })
export class TenantMigrationLedgerEntry {
  @PrimaryColumn('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('text', { name: 'last_migration', nullable: true }) lastMigration!: string | null;
  /** Digest of the tenant release the school is at: migration names and permission catalog. */
  @Column('text', { name: 'schema_version', nullable: true }) schemaVersion!: string | null;
  @Column('text') state!: LedgerState;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'attempted_at', nullable: true }) attemptedAt!: Date | null;
  @Column('timestamptz', { name: 'migrated_at', nullable: true }) migratedAt!: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
