import { type EntityManager } from 'typeorm';
import { localUsernameBase, nextFreeUsername } from './usernames';

/**
 * The next free local username in the current school (the manager's transaction has the
 * school's search_path). The unique index on profiles settles a race between two requests;
 * the loser's transaction fails and may be retried.
 */
export async function allocateLocalUsername(
  manager: EntityManager,
  firstName: string,
  middleName: string | null | undefined,
  lastName: string,
): Promise<string> {
  const base = localUsernameBase(firstName, middleName, lastName);
  const taken: Array<{ local_username: string }> = await manager.query(
    `SELECT local_username FROM profiles WHERE local_username ~ $1`,
    [`^${base}[0-9]*$`],
  );
  return nextFreeUsername(
    base,
    taken.map((row) => row.local_username),
  );
}
