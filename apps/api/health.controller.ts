import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { databaseUnavailable, Route } from '@schoolyard/common';
import { SharedState } from '@schoolyard/rate-limits';
import { HealthStore } from './health.store';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: HealthStore,
    private readonly shared: SharedState,
  ) {}

  @Route({ at: 'anywhere', access: 'public', errors: [databaseUnavailable] })
  @Get()
  // Terminus documents the route only where it can require() @nestjs/swagger, which Jest
  // cannot, so the published document would depend on who builds it; and its 503 schema is
  // not the shape this route answers with (the shared error, below).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({
    description:
      'The database answers; `degraded` when configured Redis does not (limits per instance)',
  })
  @ApiOperation({ summary: 'Whether the API can reach its database (503 when it cannot)' })
  async check() {
    const [database, redis] = await Promise.all([this.database(), this.redis()]);
    if (redis === undefined) return database;
    // Requests are still served without Redis (limits count per instance): 200, but said.
    return redis === 'up'
      ? { ...database, details: { ...database.details, redis: { status: 'up' } } }
      : {
          ...database,
          degraded: true,
          details: { ...database.details, redis: { status: 'down' } },
        };
  }

  /** undefined when REDIS_URL is unset: nothing to report. */
  private async redis(): Promise<'up' | 'down' | undefined> {
    if (this.shared.redis === undefined) return undefined;
    return (await this.shared.reachable()) ? 'up' : 'down';
  }

  private async database() {
    try {
      // The request pool's own login: if requests cannot reach the database, neither can this.
      return await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(() => this.store.ping())
            .withTimeout(1500),
      ]);
    } catch (error) {
      // The same answer requests give while the database is away, so one alert rule fits both.
      if (error instanceof ServiceUnavailableException) {
        throw databaseUnavailable({ database: 'down' });
      }
      throw error;
    }
  }
}
