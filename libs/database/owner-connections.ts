import { type QueryRunner } from 'typeorm';
import { connectionOf, releaseRunner } from './driver-internals';

/**
 * Closes an owner connection once it has built or migrated `schoolsPerConnection` schools.
 *
 * A PostgreSQL backend keeps, until it exits, a cached plan for every foreign-key check and
 * PL/pgSQL statement it has run in any school (each school has its own constraints and its
 * own trigger function), and walks the whole list of them on every relation invalidation,
 * which a school's DDL sends by the hundred. One owner connection that provisioned 1,000
 * schools took 941 ms a registration instead of 166 ms. Counting schools, not uses, keeps
 * the owner's other work (platform writes, the mail outbox) from spending the budget.
 */
export class OwnerConnections {
  private readonly schoolsOn = new WeakMap<object, number>();

  constructor(readonly schoolsPerConnection: number) {}

  /**
   * Gives the runner's connection back to the pool after work in one school, or closes it
   * when that was its last school. The school counts whether its work committed or not.
   */
  async releaseAfterSchool(runner: QueryRunner): Promise<void> {
    const connection = connectionOf(runner);
    if (!connection) return runner.release();
    const schools = (this.schoolsOn.get(connection) ?? 0) + 1;
    if (schools < this.schoolsPerConnection) {
      this.schoolsOn.set(connection, schools);
      return runner.release();
    }
    this.schoolsOn.delete(connection);
    // Released with an error, the pool closes the connection instead of keeping it.
    await releaseRunner(runner, new Error(`owner connection closed after ${schools} schools`));
  }
}
