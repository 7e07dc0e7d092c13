import { type Faker } from '@faker-js/faker';

export type Ids = string[];

/** A seeded person's address: unique, and recognisable as test data of its school. */
export type MakeEmail = (first: string, last: string) => string;

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
