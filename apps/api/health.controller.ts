import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { databaseUnavailable, Route } from '@schoolyard/common';
import { HealthStore } from './health.store';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: HealthStore,
  ) {}

  @Route({ at: 'anywhere', access: 'public', errors: [databaseUnavailable] })
  @Get()
  // Terminus documents the route only where it can require() @nestjs/swagger, which Jest
  // cannot, so the published document would depend on who builds it; and its 503 schema is
  // not the shape this route answers with (the shared error, below).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'The database answers' })
  @ApiOperation({ summary: 'Whether the API can reach its database (503 when it cannot)' })
  async check() {
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
