import { type Client } from 'pg';

/** The statements around pg-boss's queue creation, on a session of their own. */
export class QueueCreationStore {
  constructor(private readonly client: Client) {}

  async begin(): Promise<void> {
    await this.client.query('BEGIN');
  }

  /** Held until COMMIT or ROLLBACK: one process creates queues at a time. */
  async lockQueueCreation(key: string): Promise<void> {
    await this.client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK');
  }
}
