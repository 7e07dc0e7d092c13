import { type Faker } from '@faker-js/faker';
import { CATALOGUE } from './catalogue';
import { type SeedPeopleRepository } from './seed-people.repository';
import { fakePeople, type Ids, type MakeEmail } from './seed-rows';

/** The people of a seeded school: staff, students, guardians and their families, accounts. */

export async function addStaff(
  people: SeedPeopleRepository,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const staff = fakePeople(faker, count, mail).map((person, i) => {
    // Most staff teach; a school also has an office, a library and a nurse.
    const teaches = i % 8 !== 7;
    return {
      ...person,
      title: teaches ? 'Instructor' : faker.helpers.arrayElement(CATALOGUE.otherJobs),
      department: teaches ? faker.helpers.arrayElement(CATALOGUE.departments) : 'Administration',
      hired: faker.date.past({ years: 15 }).toISOString().slice(0, 10),
    };
  });
  const profiles = await people.insertProfiles(
    'staff',
    staff,
    staff.map(() => null),
  );
  await people.insertStaff(staff.map((person, i) => ({ ...person, profileId: profiles[i] })));
  return profiles;
}

export async function addStudents(
  people: SeedPeopleRepository,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const students = fakePeople(faker, count, mail);
  const born = students.map(() =>
    faker.date.birthdate({ mode: 'age', min: 6, max: 16 }).toISOString().slice(0, 10),
  );
  const profiles = await people.insertProfiles('student', students, born);
  // Numbered after the highest seeded number, not the count: a deleted student frees no number.
  const highest = await people.highestSeedAdmissionNumber();
  const numbers = profiles.map((_, i) => `SEED-${String(highest + i + 1).padStart(5, '0')}`);
  await people.insertStudents(profiles, numbers);
  return profiles;
}

export async function addGuardians(
  people: SeedPeopleRepository,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const guardians = fakePeople(faker, count, mail).map((person) => ({
    ...person,
    phone: faker.phone.number({ style: 'international' }),
  }));
  const profiles = await people.insertProfiles(
    'guardian',
    guardians,
    guardians.map(() => null),
  );
  await people.insertGuardians(
    profiles,
    guardians.map((g) => g.phone),
  );
  return profiles;
}

/**
 * Families: each new guardian takes the student with the fewest guardians, and one in
 * five also a sibling, so most children end up with one or two guardians.
 */
export async function linkFamilies(
  people: SeedPeopleRepository,
  faker: Faker,
  guardians: Ids,
): Promise<number> {
  if (guardians.length === 0) return 0;
  const children = await people.childrenByFewestGuardians();
  if (children.length === 0) return 0;
  const links: Array<[string, string, string]> = [];
  guardians.forEach((guardian, i) => {
    const relationship = faker.helpers.weightedArrayElement([
      { value: 'mother', weight: 5 },
      { value: 'father', weight: 4 },
      { value: 'guardian', weight: 1 },
      { value: 'grandparent', weight: 1 },
    ]);
    links.push([children[i % children.length], guardian, relationship]);
    if (faker.number.int(4) === 0 && children.length > 1) {
      links.push([children[(i + 1) % children.length], guardian, relationship]);
    }
  });
  return people.insertGuardianLinks(links);
}

/**
 * Portal accounts for the seeded people who have none, all with the one password given on
 * the command line (must be changed at first sign-in, like any issued password), each with
 * the system role of their kind.
 */
export async function giveAccounts(
  people: SeedPeopleRepository,
  domain: string,
  passwordHash: string,
): Promise<number> {
  const waiting = await people.peopleWithoutAccounts(domain);
  if (waiting.length === 0) return 0;
  return people.openAccounts(waiting, passwordHash);
}
