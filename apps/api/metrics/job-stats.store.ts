import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { selectRows } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { DataSource } from 'typeorm';

export interface QueueStateCount {
  queue: string;
  state: string;
  jobs: number;
}

/**
 * Jobs per queue and state in pg-boss's job table, as the owner (pg-boss's own connections
 * are its workers'). The same grouping pg-boss's monitor runs; one statement per scrape at
 * most (the caller caches). Finished jobs move to the archive, so the table stays small.
 */
@Injectable()
export class JobStatsStore {
  private readonly table: string;

  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // JOBS_SCHEMA is validated as a plain lower-case name (libs/config).
    this.table = `"${config.jobs.schema}".job`;
  }

  async countsByQueueAndState(): Promise<QueueStateCount[]> {
    return selectRows<QueueStateCount>(
      this.owner.manager,
      `SELECT name AS queue, state::text AS state, count(*)::int AS jobs
         FROM ${this.table}
        GROUP BY name, state`,
    );
  }
}
