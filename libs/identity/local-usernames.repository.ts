import { selectRows } from '@schoolyard/common';
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
  const taken = await selectRows<{ local_username: string }>(
    manager,
    `SELECT local_username FROM profiles WHERE local_username ~ $1`,
    [`^${base}[0-9]*$`],
  );
  return nextFreeUsername(
    base,
    taken.map((row) => row.local_username),
  );
}

export interface PersonName {
  firstName: string;
  middleName: string | null;
  lastName: string;
}

/**
 * Free local usernames for many people at once, in order, with one query: two people of
 * the batch with the same name get base and base2.
 */
export async function allocateLocalUsernames(
  manager: EntityManager,
  people: readonly PersonName[],
): Promise<string[]> {
  const bases = people.map((person) =>
    localUsernameBase(person.firstName, person.middleName, person.lastName),
  );
  const distinct = [...new Set(bases)];
  if (distinct.length === 0) return [];
  const rows = await selectRows<{ local_username: string }>(
    manager,
    `SELECT local_username FROM profiles WHERE local_username ~ ANY($1::text[])`,
    [distinct.map((base) => `^${base}[0-9]*$`)],
  );
  const taken = new Set(rows.map((row) => row.local_username));
  return bases.map((base) => {
    const name = nextFreeUsername(base, taken);
    taken.add(name);
    return name;
  });
}
