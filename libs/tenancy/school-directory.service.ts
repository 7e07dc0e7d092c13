import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type School } from './school';

interface Entry {
  school: School | null;
  expiresAt: number;
}

const MAX_ENTRIES = 50_000;

/**
 * Host name → school, with an in-process cache. Entries are dropped when the database
 * announces a change (a trigger on organizations and domains NOTIFYs every instance,
 * whoever made the change); the TTL only bounds staleness if that channel is down.
 */
@Injectable()
export class SchoolDirectory implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SchoolDirectory.name);
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<School | null>>();
  private listener: Client | undefined;
  private closing = false;
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly requests: DataSource,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.schoolCacheTtlSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.listener?.end().catch(() => undefined);
  }

  async findByHost(host: string): Promise<School | null> {
    const cached = this.entries.get(host);
    if (cached && cached.expiresAt > Date.now()) return cached.school;
    // Many requests for a host that just fell out of the cache share one query.
    let pending = this.inFlight.get(host);
    if (!pending) {
      pending = this.load(host).finally(() => this.inFlight.delete(host));
      this.inFlight.set(host, pending);
    }
    return pending;
  }

  forgetHost(host: string): void {
    this.entries.delete(host);
  }

  forgetSchool(schoolId: string): void {
    for (const [host, entry] of this.entries) {
      if (entry.school?.id === schoolId) this.entries.delete(host);
    }
  }

  private async load(host: string): Promise<School | null> {
    const rows: Array<School> = await this.requests.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.domains d JOIN public.organizations o ON o.id = d.organization_id
        WHERE d.host = $1`,
      [host],
    );
    const school = rows[0] ?? null;
    if (this.entries.size >= MAX_ENTRIES) {
      // Hostile Host headers must not grow memory without bound: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(host, { school, expiresAt: Date.now() + this.ttlMs });
    return school;
  }

  private async listen(): Promise<void> {
    if (this.closing) return;
    // LISTEN needs a session of its own: behind PgBouncer's transaction pooling the request
    // URL cannot hold one, so the listener connects directly with the owner URL.
    const client = new Client({
      connectionString: this.urls.ownerUrl,
      application_name: 'schoolyard-directory',
    });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      // Changes announced while nobody listened are unknown, so start from an empty cache.
      this.entries.clear();
      if (this.closing) return;
      this.logger.warn({ err: error }, 'school directory listener lost; reconnecting in 1 s');
      setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('notification', (message) => this.onNotification(message.payload ?? ''));
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query('LISTEN school_directory');
      this.listener = client;
    } catch (error) {
      onLost(error);
    }
  }

  private onNotification(payload: string): void {
    if (payload.startsWith('school:')) this.forgetSchool(payload.slice('school:'.length));
    else if (payload.startsWith('host:')) this.forgetHost(payload.slice('host:'.length));
  }
}
