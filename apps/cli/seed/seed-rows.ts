import { type Faker } from '@faker-js/faker';
import { type EntityManager } from 'typeorm';

export type Ids = string[];

/** A seeded person's address: unique, and recognisable as test data of its school. */
export type MakeEmail = (first: string, last: string) => string;

export async function ids(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<Ids> {
  const rows: Array<{ id: string }> = await manager.query(sql, parameters);
  return rows.map((row) => row.id);
}

export async function insertProfiles(
  manager: EntityManager,
  kind: 'student' | 'staff' | 'guardian',
  people: ReadonlyArray<{ first: string; last: string; email: string; gender: string }>,
  born: () => string | null,
): Promise<Ids> {
  return ids(
    manager,
    `INSERT INTO profiles (kind, first_name, last_name, email, gender, date_of_birth)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[])
     RETURNING id`,
    [
      kind,
      people.map((p) => p.first),
      people.map((p) => p.last),
      people.map((p) => p.email),
      people.map((p) => p.gender),
      people.map(() => born()),
    ],
  );
}

export interface FakePerson {
  first: string;
  last: string;
  email: string;
  gender: string;
}

/** Names, an address and a gender: what every seeded person has, whatever their kind. */
export function fakePeople(faker: Faker, count: number, mail: MakeEmail): FakePerson[] {
  return Array.from({ length: count }, () => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    return {
      first,
      last,
      email: mail(first, last),
      gender: faker.helpers.arrayElement(['female', 'male']),
    };
  });
}
