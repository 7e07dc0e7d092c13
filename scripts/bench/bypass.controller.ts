import { Controller, Get, Inject, Injectable, type OnModuleInit, Query } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Route } from '@schoolyard/common';
import { SchoolSettingsService } from '@schoolyard/organizations';
import { quoteIdentifier, TenantContext } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';
import { StudentListQuery } from '../../libs/people/dto/students.dto';
import { StudentsService } from '../../libs/people/students.service';

/** Where the bypass connects: the owner account, and the pool size of the request pool. */
export const BYPASS_SETTINGS = Symbol('BYPASS_SETTINGS');
export interface BypassSettings {
  url: string;
  poolSize: number;
}

/**
 * Tenancy bypassed: no transaction, no role switch, no per-request settings. The school's
 * schema is named once per connection, at connect time, so the handler's unqualified names
 * resolve without a statement of their own. That is a session-level search_path, exactly
 * what invariant 2 forbids in the product, and the owner account: only the benchmark's
 * server mounts this, and nothing under apps/ or libs/ imports anything under scripts/.
 */
@Injectable()
export class BypassTenancy {
  private readonly pools = new Map<string, Promise<DataSource>>();

  constructor(
    @Inject(BYPASS_SETTINGS) private readonly settings: BypassSettings,
    private readonly tenant: TenantContext,
  ) {}

  /** Runs `work` with the school's bypass pool as the manager services read. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const pool = await this.poolFor(this.tenant.school.schemaName);
    // Each query an autocommit statement of its own: there is no transaction to close.
    this.tenant.enterTransaction({ manager: pool.manager, afterCommit: [], closeWith: () => {} });
    return work();
  }

  async close(): Promise<void> {
    for (const pool of this.pools.values()) await (await pool).destroy();
  }

  private poolFor(schemaName: string): Promise<DataSource> {
    let pool = this.pools.get(schemaName);
    if (!pool) {
      pool = new DataSource({
        type: 'postgres',
        url: this.settings.url,
        extra: {
          max: this.settings.poolSize,
          // As long as the request pool's: the isolation rotation leaves each arm idle for a while.
          idleTimeoutMillis: 30_000,
          options: `-c search_path=${quoteIdentifier(schemaName)}`,
        },
      }).initialize();
      this.pools.set(schemaName, pool);
    }
    return pool;
  }
}

/**
 * The same services as GET /api/school and GET /api/students, behind the same guards (school
 * from the host, sign-in, permission), with tenancy bypassed by BypassTenancy (no transaction binding: `transaction: 'manual'`).
 */
@Controller('bench/bypass')
export class BypassController implements OnModuleInit {
  private settings!: SchoolSettingsService;
  private students!: StudentsService;

  constructor(
    private readonly modules: ModuleRef,
    private readonly bypass: BypassTenancy,
  ) {}

  onModuleInit(): void {
    this.settings = this.modules.get(SchoolSettingsService, { strict: false });
    this.students = this.modules.get(StudentsService, { strict: false });
  }

  @Route({ at: 'school', access: 'public', transaction: 'manual' })
  @Get('school')
  school(): Promise<unknown> {
    return this.bypass.run(() => this.settings.get());
  }

  @Route({ at: 'school', access: { permissions: ['students.view'] }, transaction: 'manual' })
  @Get('students')
  list(@Query() query: StudentListQuery): Promise<unknown> {
    return this.bypass.run(() => this.students.list(query));
  }
}
