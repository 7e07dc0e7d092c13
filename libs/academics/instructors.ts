import { type EntityManager } from 'typeorm';
import { notFound } from './academics.errors';

/** SQL for a person's display name from `profiles <alias>`. */
export const displayName = (alias: string) => `${alias}.first_name || ' ' || ${alias}.last_name`;

/**
 * An instructor is an active staff member of this school. Locked FOR KEY SHARE so they cannot
 * be removed before the row that points at them is written.
 */
export async function requireInstructor(manager: EntityManager, staffId: string): Promise<void> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM staff WHERE profile_id = $1 AND status = 'active' FOR KEY SHARE`,
    [staffId],
  );
  if (rows.length === 0) throw notFound('instructor')();
}
