import 'reflect-metadata';
import { Controller, Get, Inject, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AddressInfo } from 'node:net';
import { Pool } from 'pg';
import {
  announce,
  baselinePool,
  baselineSettings,
  ORGANIZATION_QUERY,
  runBaseline,
} from './baselines';

/**
 * The least a NestJS + Fastify app does for a read: one route, one pg pool, one query, no
 * guards, no interceptors, no pipes. What the framework costs before any feature.
 */

const POOL = Symbol('POOL');

@Controller('organizations')
class OrganizationsController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Get(':id')
  async one(@Param('id') id: string): Promise<unknown> {
    const { rows } = await this.pool.query(ORGANIZATION_QUERY, [id]);
    if (!rows[0]) throw new NotFoundException();
    return rows[0];
  }
}

@Module({})
class NestPgModule {
  static withPool(pool: Pool) {
    return {
      module: NestPgModule,
      controllers: [OrganizationsController],
      providers: [{ provide: POOL, useValue: pool }],
    };
  }
}

runBaseline(async () => {
  const { url, poolSize } = baselineSettings();
  const pool = new Pool(baselinePool(url, poolSize));
  const app = await NestFactory.create<NestFastifyApplication>(
    NestPgModule.withPool(pool),
    new FastifyAdapter(),
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  announce((app.getHttpServer().address() as AddressInfo).port, async () => {
    await app.close();
    await pool.end();
  });
});
