import { Controller, Get, Inject, Req } from '@nestjs/common';
import { Public } from '@schoolyard/identity';
import {
  normalizeHost,
  quoteIdentifier,
  SchoolDirectory,
  schoolNotFound,
  SchoolScoped,
  TenantContext,
} from '@schoolyard/tenancy';
import { type FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';

/** A pool with no tenancy at all: the owner account, schema-qualified names, no transaction. */
export const BARE_DATA_SOURCE = Symbol('BARE_DATA_SOURCE');

const COLUMNS = `display_name AS "displayName", timezone, locale, primary_color AS "primaryColor",
  secondary_color AS "secondaryColor", updated_at AS "updatedAt"`;

/** The school-settings read through the full tenant path (guard, transaction, role switch). */
@SchoolScoped()
@Public()
@Controller('bench/tenant')
export class TenantReadController {
  constructor(private readonly tenant: TenantContext) {}

  @Get('school')
  async read(): Promise<unknown> {
    const rows: unknown[] = await this.tenant.manager.query(
      `SELECT ${COLUMNS} FROM school_settings WHERE id = 1`,
    );
    return rows[0];
  }
}

/**
 * The same read with tenancy bypassed: same host lookup, one schema-qualified statement in
 * autocommit. Only the benchmark mounts it; the API's own module never does.
 */
@Controller('bench/bare')
export class BareReadController {
  constructor(
    @Inject(BARE_DATA_SOURCE) private readonly bare: DataSource,
    private readonly directory: SchoolDirectory,
  ) {}

  @Get('school')
  async read(@Req() request: FastifyRequest): Promise<unknown> {
    const school = await this.directory.findByHost(normalizeHost(request.hostname));
    if (!school) throw schoolNotFound();
    const rows: unknown[] = await this.bare.query(
      `SELECT ${COLUMNS} FROM ${quoteIdentifier(school.schemaName)}.school_settings WHERE id = 1`,
    );
    return rows[0];
  }
}
