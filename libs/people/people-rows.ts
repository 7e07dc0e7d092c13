import { type EntityManager } from 'typeorm';
import { type AccountView, type PersonDto } from './dto/person.dto';
import { type FinalQuery, type LinkedAccount, linkedAccounts } from './school-accounts';

/** The profile columns every list of people selects. */
export interface PersonRow {
  id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  date_of_birth: string | null;
  gender: string | null;
  local_username: string | null;
  user_id: string | null;
}

/** Selects a PersonRow from `profiles p`. */
export const PERSON_COLUMNS = `p.id, p.first_name, p.middle_name, p.last_name, p.email,
  p.date_of_birth::text AS date_of_birth, p.gender, p.local_username, p.user_id`;

/** The profile half of enrolling, onboarding or adding a person; answers its id. */
export async function insertProfile(
  manager: EntityManager,
  kind: 'student' | 'staff' | 'guardian',
  person: PersonDto & { dateOfBirth?: string; gender?: string },
): Promise<string> {
  const [profile]: Array<{ id: string }> = await manager.query(
    `INSERT INTO profiles (kind, first_name, middle_name, last_name, email, date_of_birth, gender)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      kind,
      person.firstName,
      person.middleName || null,
      person.lastName,
      person.email ?? null,
      person.dateOfBirth ?? null,
      person.gender ?? null,
    ],
  );
  return profile.id;
}

/**
 * The accounts of a page of people, in one query (the people without one cost nothing).
 * `final`: the handler's last statement, so COMMIT goes in the same write.
 */
export function accountsOfPeople(
  manager: EntityManager,
  people: ReadonlyArray<Pick<PersonRow, 'user_id'>>,
  final?: FinalQuery,
): Promise<Map<string, LinkedAccount>> {
  return linkedAccounts(
    manager,
    people.flatMap((person) => (person.user_id ? [person.user_id] : [])),
    final,
  );
}

export function accountView(
  row: PersonRow,
  accounts: Map<string, LinkedAccount>,
): AccountView | null {
  const account = row.user_id ? accounts.get(row.user_id) : undefined;
  if (!account || !row.local_username) return null;
  return {
    userId: account.id,
    username: row.local_username,
    email: account.email,
    mustChangePassword: account.mustChangePassword,
    isActive: account.isActive,
    lastLoginAt: account.lastLoginAt,
  };
}

/** PATCH field → profile column, for the names and contact every kind of person has. */
export const NAME_FIELDS = {
  firstName: 'first_name',
  middleName: 'middle_name',
  lastName: 'last_name',
  email: 'email',
} as const;
