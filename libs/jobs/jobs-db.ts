import { selectRows } from '@schoolyard/common';
import type PgBoss from 'pg-boss';
import { type QueryRunner } from 'typeorm';

/**
 * Lets pg-boss write a job in the caller's transaction: the job exists if and only if the
 * change that caused it commits. (pg-boss runs its statement through `executeSql`.)
 */
export function jobsDbOf(runner: QueryRunner): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: await selectRows(runner.manager, text, values),
    }),
  };
}
