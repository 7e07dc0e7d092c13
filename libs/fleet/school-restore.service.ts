import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordPlatformEvent } from '@schoolyard/audit';
import { AppError, purposeKey, SealedText } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  connectionOf,
  DATABASE_URLS,
  type DatabaseUrls,
  isUniqueViolation,
  OWNER_DATA_SOURCE,
  OwnerConnections,
} from '@schoolyard/database';
import { deploymentKey } from '@schoolyard/people';
import { checkSubdomain, roleNameFor, SchoolDirectory, schemaNameFor } from '@schoolyard/tenancy';
import { createDecipheriv, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import {
  type ArchiveManifest,
  type ArchivePublicRows,
  archiveKey,
  decodeHeader,
  END_OF_TABLE,
  fingerprintOf,
  linesOf,
  TAG_BYTES,
} from './backup-archive';
import { type AccountDifference, SchoolBackupStore } from './school-backup.store';
import { SchoolRegistryStore } from './school-registry.store';
import { SchoolSchemaStore } from './school-schema.store';
import { TenantMigrator } from './tenant-migrator.service';

export interface RestoreOptions {
  from: string;
  as?: string;
  replace?: boolean;
  actor: string;
  onTable?: (name: string, done: number, total: number) => void;
}

export interface RestoreSummary {
  slug: string;
  restoredAs: string;
  organizationId: string;
  rows: number;
  migratedFrom: string;
  migratedTo: string;
  accounts: { relinked: number; recreated: number; differing: AccountDifference[] };
  /** The school moved aside by --replace, kept archived until dropped. */
  replaced: string | null;
  seconds: number;
}

const refused = (code: string, message: string, status = HttpStatus.BAD_REQUEST) =>
  new AppError(status, code, message);

export const archiveUnreadable = (why: string) =>
  refused('ARCHIVE_UNREADABLE', `The archive cannot be restored: ${why}`);

/** Lines of COPY text gathered before one write: fewer, larger messages to the server. */
const COPY_BATCH_BYTES = 256 * 1024;

/**
 * An archive back into a school, all in ONE owner transaction: nothing is committed unless
 * every row loaded and the archive's GCM tag verified (the tag is checked as the last bytes
 * are read, before the commit). See docs/BACKUP.md for the steps.
 */
@Injectable()
export class SchoolRestore {
  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    private readonly registry: SchoolRegistryStore,
    private readonly schemas: SchoolSchemaStore,
    private readonly store: SchoolBackupStore,
    private readonly migrator: TenantMigrator,
    private readonly directory: SchoolDirectory,
    private readonly connections: OwnerConnections,
  ) {}

  async restore(slug: string, options: RestoreOptions): Promise<RestoreSummary> {
    const started = performance.now();
    const target = options.as ?? slug;
    const check = checkSubdomain(target);
    if (!check.ok)
      throw refused('VALIDATION_FAILED', `"${target}" ${check.message ?? 'is not allowed'}`);
    const host = `${target}.${this.config.baseDomain}`;
    const archive = await this.openArchive(options.from);

    const runner = this.owner.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const manager = runner.manager;
      await this.schemas.lockSchool(manager, `slug:${target}`);
      const replaced = await this.makeRoom(manager, target, options.replace === true);
      if (replaced) this.directory.forgetHost(host);

      const lines = linesOf(archive.plain);
      const manifest = await this.readManifest(lines, slug);
      const archivedId = manifest.organizationId;
      const schoolId = (await this.store.organizationExists(manager, archivedId))
        ? randomUUID()
        : archivedId;
      const schemaName = schemaNameFor(target);
      const dbRole = roleNameFor(target, this.urls.databaseTag);

      await this.schemas.createSchema(manager, {
        schemaName,
        dbRole,
        apiRole: this.urls.apiRole,
      });
      await this.migrator.applyPending(runner, new Set(manifest.schemaVersion));
      const tables = (await this.store.tablesOf(manager, schemaName)).map((t) => t.name);
      await this.store.prepareForLoad(manager, schemaName, tables);
      const { rows, publicRows } = await this.load(runner, lines, manifest, schemaName, options);
      await this.store.enableTriggers(manager, schemaName, tables);
      await this.store.resetSequences(manager, schemaName);
      if (schoolId !== archivedId) await this.reseal(manager, schemaName, archivedId, schoolId);
      await this.migrator.applyPending(runner);

      await this.store.insertPublicRows(
        manager,
        'organizations',
        [
          {
            ...publicRows.organization,
            id: schoolId,
            slug: target,
            schema_name: schemaName,
            db_role: dbRole,
          },
        ],
        'fail',
      );
      await this.registry.insertPrimaryDomain(manager, host, schoolId);
      const accounts = await this.relinkAccounts(manager, publicRows, archivedId, schoolId);
      const mine = <T extends Record<string, unknown>>(list: T[]) =>
        list.map((row) => ({ ...row, organization_id: schoolId }));
      await this.store.insertPublicRows(
        manager,
        'subscriptions',
        mine(publicRows.subscriptions),
        'skip',
      );
      await this.store.insertPublicRows(
        manager,
        'school_memberships',
        mine(publicRows.memberships),
        'skip',
      );
      await this.restorePayments(manager, publicRows, schoolId);
      await this.migrator.ledger.record(manager, schoolId, 'current', null);

      const summary: RestoreSummary = {
        slug,
        restoredAs: target,
        organizationId: schoolId,
        rows,
        migratedFrom: manifest.schemaVersion[manifest.schemaVersion.length - 1] ?? '',
        migratedTo: this.migrator.latest,
        accounts,
        replaced,
        seconds: 0,
      };
      await recordPlatformEvent(manager, {
        actor: options.actor,
        action: 'school.restored',
        organizationId: schoolId,
        schoolSlug: target,
        details: {
          archivedSlug: slug,
          archivedOrganizationId: archivedId,
          archiveCreatedAt: manifest.createdAt,
          rows,
          migratedFrom: summary.migratedFrom,
          migratedTo: summary.migratedTo,
          replaced,
          relinked: accounts.relinked,
          recreated: accounts.recreated,
          differing: accounts.differing.map((d) => d.id),
        },
      });
      await runner.commitTransaction();
      this.directory.forgetHost(host);
      return { ...summary, seconds: Math.round(performance.now() - started) / 1000 };
    } catch (error) {
      archive.plain.destroy();
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (isUniqueViolation(error, 'domains_pkey')) {
        throw refused('SCHOOL_EXISTS', `The address ${host} is taken`, HttpStatus.CONFLICT);
      }
      if (isUniqueViolation(error)) {
        throw refused(
          'ACCOUNT_CONFLICT',
          `An archived account clashes with another account now (same username or email): ${(error as Error).message}`,
          HttpStatus.CONFLICT,
        );
      }
      throw error;
    } finally {
      await this.connections.releaseAfterSchool(runner);
    }
  }

  /**
   * Checks the header and the key, then answers the body as a stream of plain bytes. The tag
   * is the file's last 16 bytes: known before reading, so the decipher fails at the end of the
   * stream, before any commit, if one byte differs.
   */
  private async openArchive(file: string): Promise<{ plain: Readable }> {
    const handle = await open(file, 'r').catch(() => {
      throw archiveUnreadable(`no file ${file}`);
    });
    let size: number;
    let head: Buffer;
    let tag: Buffer;
    try {
      size = (await handle.stat()).size;
      head = Buffer.alloc(Math.min(size, 300));
      await handle.read(head, 0, head.length, 0);
      tag = Buffer.alloc(TAG_BYTES);
      if (size >= TAG_BYTES) await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
    } finally {
      await handle.close();
    }
    const header = decodeHeader(head);
    if (!header || size < header.bytes.length + TAG_BYTES) {
      throw archiveUnreadable('not a school archive of a format this release reads');
    }
    const key = archiveKey(this.config, this.urls);
    if (!fingerprintOf(key.key).equals(header.fingerprint)) {
      throw refused(
        'WRONG_KEY',
        `The archive was sealed with another key (${header.label}); this deployment's is ${key.label}`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, header.nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(header.bytes);
    decipher.setAuthTag(tag);
    const source = createReadStream(file, {
      start: header.bytes.length,
      end: size - TAG_BYTES - 1,
    });
    const gunzip = createGunzip();
    const fail = (error: Error) =>
      gunzip.destroy(archiveUnreadable(`it was altered or damaged (${error.message})`));
    source.on('error', fail);
    decipher.on('error', fail);
    gunzip.on('error', () => undefined);
    // gunzip ends only after the decipher ended, and the decipher only after its tag verified.
    source.pipe(decipher).pipe(gunzip);
    return { plain: gunzip };
  }

  private async readManifest(lines: AsyncGenerator<Buffer>, slug: string) {
    const first = await lines.next();
    if (first.done) throw archiveUnreadable('it is empty');
    const manifest = JSON.parse(first.value.toString('utf8')) as ArchiveManifest;
    if (manifest.slug !== slug) {
      throw refused(
        'ARCHIVE_OF_ANOTHER_SCHOOL',
        `The archive holds "${manifest.slug}", not "${slug}"`,
      );
    }
    const unknown = manifest.schemaVersion.filter(
      (name) => !this.migrator.ledger.release.knows(name),
    );
    if (unknown.length) {
      throw refused(
        'ARCHIVE_FROM_NEWER_RELEASE',
        `The archive's school has migrations this release does not know: ${unknown.join(', ')}`,
      );
    }
    return manifest;
  }

  /** The target slug free, or (with replace) its school moved aside; answers its new slug. */
  private async makeRoom(manager: EntityManager, slug: string, replace: boolean) {
    const existing = await this.registry.findSchoolBySlug(slug, { manager, mode: 'FOR UPDATE' });
    if (!existing) return null;
    if (!replace) {
      throw refused(
        'SCHOOL_EXISTS',
        `A school has the slug "${slug}": restore --as another slug, or --replace it`,
        HttpStatus.CONFLICT,
      );
    }
    await this.schemas.lockSchool(manager, existing.id);
    const aside = await this.store.freeReplacedSlug(manager, slug);
    await this.store.renameAside(manager, existing, {
      slug: aside,
      schemaName: schemaNameFor(aside),
      dbRole: roleNameFor(aside, this.urls.databaseTag),
    });
    return aside;
  }

  /** The tables' rows, COPY by COPY, then the public rows (the body's last line). */
  private async load(
    runner: QueryRunner,
    lines: AsyncGenerator<Buffer>,
    manifest: ArchiveManifest,
    schemaName: string,
    options: RestoreOptions,
  ): Promise<{ rows: number; publicRows: ArchivePublicRows }> {
    const client = connectionOf(runner);
    if (!client) throw new Error('the restore lost its connection');
    const expected = new Map(manifest.tables.map((t) => [t.name, t.rows]));
    let rows = 0;
    let done = 0;
    let publicRows: ArchivePublicRows | undefined;
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const section = JSON.parse(next.value.toString('utf8')) as {
        table?: string;
        columns?: string[];
        public?: ArchivePublicRows;
      };
      if (section.public) {
        publicRows = section.public;
        continue;
      }
      if (!section.table || !section.columns || !expected.has(section.table)) {
        throw archiveUnreadable('a section names no table of its manifest');
      }
      const copy = this.store.copyIn(client, schemaName, section.table, section.columns);
      let count = 0;
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (!batch.length) return;
        const data = Buffer.concat(batch);
        batch = [];
        batchBytes = 0;
        if (!copy.write(data)) await once(copy, 'drain');
      };
      for (let line = await lines.next(); ; line = await lines.next()) {
        if (line.done) throw archiveUnreadable(`it ends inside table ${section.table}`);
        if (line.value.length === 2 && line.value.toString() === END_OF_TABLE) break;
        batch.push(line.value, Buffer.from('\n'));
        batchBytes += line.value.length + 1;
        count++;
        if (batchBytes >= COPY_BATCH_BYTES) await flush();
      }
      await flush();
      copy.end();
      await finished(copy);
      if (count !== expected.get(section.table)) {
        throw archiveUnreadable(
          `table ${section.table} holds ${count} rows, its manifest says ${expected.get(section.table)}`,
        );
      }
      rows += count;
      options.onTable?.(section.table, ++done, manifest.tables.length);
    }
    // Here the decipher has verified the tag: the stream ended without an error.
    if (!publicRows) throw archiveUnreadable('it has no platform rows');
    return { rows, publicRows };
  }

  /**
   * Accounts re-linked by id. One that exists keeps its current password and email (a
   * restore never undoes a change its owner made since); the differences are reported. One
   * that is gone is made again from the archive.
   */
  private async relinkAccounts(
    manager: EntityManager,
    publicRows: ArchivePublicRows,
    archivedId: string,
    schoolId: string,
  ) {
    const existing = await this.store.existingAccounts(manager, publicRows.accounts);
    const missing = publicRows.accounts
      .filter((account) => !existing.has(String(account.id)))
      .map((account) => ({
        ...account,
        // A temporary password is sealed for its school: kept only for this one.
        temporary_password_school:
          account.temporary_password_school === archivedId ? schoolId : null,
        temporary_password:
          account.temporary_password_school === archivedId ? account.temporary_password : null,
      }));
    const recreated = await this.store.insertPublicRows(manager, 'users', missing, 'fail');
    return {
      relinked: existing.size,
      recreated,
      differing: [...existing.values()].filter((account) => account.fields.length > 0),
    };
  }

  /** Payments are accounting records; a copy already held (the replaced school's) is kept once. */
  private async restorePayments(
    manager: EntityManager,
    publicRows: ArchivePublicRows,
    schoolId: string,
  ) {
    const held = await this.store.existingPaymentIds(
      manager,
      publicRows.payments.map((p) => String(p.id)),
    );
    const fresh = publicRows.payments.filter((p) => !held.has(String(p.id)));
    const kept = new Set(fresh.map((p) => String(p.id)));
    const payments = fresh.map((p) => ({ ...p, organization_id: schoolId }));
    const events = publicRows.paymentEvents
      .filter((e) => e.payment_id === null || kept.has(String(e.payment_id)))
      .map((e) => ({ ...e, organization_id: schoolId }));
    await this.store.insertPublicRows(manager, 'payments', payments, 'skip');
    await this.store.insertPublicRows(manager, 'payment_events', events, 'skip');
  }

  /** The fee merchant's secret is sealed for the school's id: sealed again for the new one. */
  private async reseal(manager: EntityManager, schema: string, from: string, to: string) {
    const tables = await this.store.tablesOf(manager, schema);
    if (!tables.some((t) => t.name === 'fee_merchant_accounts')) return;
    const sealed = await this.store.merchantSecret(manager, schema);
    if (!sealed) return;
    const sealer = new SealedText(
      purposeKey(deploymentKey(this.config, this.urls), 'fee merchant secrets'),
    );
    const plain = sealer.open(from, sealed);
    if (plain === undefined) {
      throw archiveUnreadable('the fee merchant secret does not open with this deployment’s key');
    }
    await this.store.resealMerchantSecret(manager, schema, sealer.seal(to, plain));
  }
}
