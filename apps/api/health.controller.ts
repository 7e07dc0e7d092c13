import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly requests: DataSource,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether the API can reach its database (503 when it cannot)' })
  check() {
    // The request pool's own login: if requests cannot reach the database, neither can this.
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.requests.query('SELECT 1');
          })
          .withTimeout(1500),
    ]);
  }
}
