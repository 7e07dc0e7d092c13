import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordPlatformEvent } from '@schoolyard/audit';
import { AppError } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  connectionOf,
  DATABASE_URLS,
  type DatabaseUrls,
  OWNER_DATA_SOURCE,
} from '@schoolyard/database';
import { createCipheriv, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { appendFile, chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DataSource } from 'typeorm';
import {
  type ArchiveManifest,
  archiveKey,
  encodeHeader,
  END_OF_TABLE,
  NONCE_BYTES,
} from './backup-archive';
import { SchoolBackupStore } from './school-backup.store';
import { SchoolRegistryStore } from './school-registry.store';
import { TenantMigrator } from './tenant-migrator.service';

export interface BackupSummary {
  slug: string;
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  /** The school's last applied tenant migration. */
  schemaVersion: string;
  seconds: number;
}

export interface BackupOptions {
  out?: string;
  /** Who asks: `cli:<os user>`. */
  actor: string;
  onPlan?: (tables: number) => void;
  onTable?: (name: string) => void;
}

export const unknownSchoolToBackUp = (slug: string) =>
  new AppError(HttpStatus.NOT_FOUND, 'SCHOOL_NOT_FOUND', `No school has the slug "${slug}"`);

/** `2026-11-30T18:11:16.123Z` → `20261130T181116Z`: sorts, and is a valid file name everywhere. */
export function backupTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * One school to one archive file (see backup-archive.ts). Everything is read in one
 * REPEATABLE READ, READ ONLY transaction of the owner account, so the tables, the public rows
 * and the accounts are of one instant. Rows stream from COPY through gzip and the cipher to
 * the file: a table is never held whole in memory.
 */
@Injectable()
export class SchoolBackup {
  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    private readonly registry: SchoolRegistryStore,
    private readonly store: SchoolBackupStore,
    private readonly migrator: TenantMigrator,
  ) {}

  async backup(slug: string, options: BackupOptions): Promise<BackupSummary> {
    const started = performance.now();
    const school = await this.registry.findSchoolBySlug(slug);
    if (!school) throw unknownSchoolToBackUp(slug);
    const file = options.out ?? `${slug}-${backupTimestamp(new Date())}.sybk`;
    // Written under another name and renamed when whole: a failed backup leaves no file that
    // looks like an archive.
    const partial = `${file}.partial`;
    const key = archiveKey(this.config, this.urls);

    const runner = this.owner.createQueryRunner();
    await runner.connect();
    let manifest: ArchiveManifest;
    try {
      const manager = runner.manager;
      await this.store.beginSnapshot(manager);
      const schema = school.schemaName;
      // In the release's order (names do not sort by time); one this build does not know
      // (the school was migrated by a newer build) goes last, and the restore refuses it.
      const names = this.migrator.ledger.release.names;
      const rank = (name: string) => (names.includes(name) ? names.indexOf(name) : names.length);
      const schemaVersion = (await this.store.migrationsOf(manager, schema)).sort(
        (a, b) => rank(a) - rank(b),
      );
      const tables = await this.store.tablesOf(manager, schema);
      options.onPlan?.(tables.length);
      const counted = [];
      for (const table of tables) {
        counted.push({ ...table, rows: await this.store.countRows(manager, schema, table.name) });
      }
      const publicRows = await this.store.publicRowsOf(manager, school.id, schema);
      manifest = {
        slug,
        organizationId: school.id,
        name: school.name,
        schemaVersion,
        release: this.migrator.ledger.release.version,
        createdAt: new Date().toISOString(),
        tables: counted,
      };

      const nonce = randomBytes(NONCE_BYTES);
      const header = encodeHeader(key, nonce);
      await writeFile(partial, header, { mode: 0o600 });
      await chmod(partial, 0o600);
      const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: 16 });
      cipher.setAAD(header);
      const body = new PassThrough();
      const written = pipeline(
        body,
        createGzip(),
        cipher,
        createWriteStream(partial, { flags: 'a' }),
      );
      // Surfaces a write failure (disk full) while the tables are still being read.
      written.catch(() => undefined);
      const put = async (data: Buffer | string) => {
        if (!body.write(data)) await Promise.race([once(body, 'drain'), written]);
      };

      await put(`${JSON.stringify(manifest)}\n`);
      const client = connectionOf(runner);
      if (!client) throw new Error('the backup lost its connection');
      for (const table of tables) {
        await put(`${JSON.stringify({ table: table.name, columns: table.columns })}\n`);
        const rows = this.store.copyOut(client, schema, table.name, table.columns);
        for await (const chunk of rows as AsyncIterable<Buffer>) await put(chunk);
        await put(`${END_OF_TABLE}\n`);
        options.onTable?.(table.name);
      }
      await put(`${JSON.stringify({ public: publicRows })}\n`);
      body.end();
      await written;
      await appendFile(partial, cipher.getAuthTag());
      await this.store.endSnapshot(manager);
      await rename(partial, file);
    } catch (error) {
      await this.store.endSnapshot(runner.manager).catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    } finally {
      await runner.release();
    }

    const summary: BackupSummary = {
      slug,
      file,
      bytes: (await stat(file)).size,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
      schemaVersion: manifest.schemaVersion[manifest.schemaVersion.length - 1] ?? '',
      seconds: Math.round(performance.now() - started) / 1000,
    };
    await recordPlatformEvent(this.owner.manager, {
      actor: options.actor,
      action: 'school.backed_up',
      organizationId: school.id,
      schoolSlug: slug,
      details: {
        bytes: summary.bytes,
        tables: summary.tables,
        rows: summary.rows,
        schemaVersion: summary.schemaVersion,
        keyLabel: key.label,
      },
    });
    return summary;
  }
}
