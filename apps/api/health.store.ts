import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute } from '@schoolyard/common';
import { DataSource } from 'typeorm';

/** The health check's one statement, on the request pool's own login. */
@Injectable()
export class HealthStore {
  constructor(@InjectDataSource() private readonly requests: DataSource) {}

  /** Rejects when no connection can be had or the server does not answer. */
  async ping(): Promise<void> {
    await execute(this.requests.manager, 'SELECT 1');
  }
}
