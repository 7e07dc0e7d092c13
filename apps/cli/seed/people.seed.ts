import { allocateLocalUsernames } from '@schoolyard/identity';
import { createAccounts } from '@schoolyard/people';
import { type Faker } from '@faker-js/faker';
import { type EntityManager } from 'typeorm';
import { CATALOGUE } from './catalogue';
import { fakePeople, ids, type Ids, insertProfiles, type MakeEmail } from './seed-rows';

/** The people of a seeded school: staff, students, guardians and their families, accounts. */

export async function addStaff(
  manager: EntityManager,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const people = fakePeople(faker, count, mail).map((person, i) => {
    // Most staff teach; a school also has an office, a library and a nurse.
    const teaches = i % 8 !== 7;
    return {
      ...person,
      title: teaches ? 'Instructor' : faker.helpers.arrayElement(CATALOGUE.otherJobs),
      department: teaches ? faker.helpers.arrayElement(CATALOGUE.departments) : 'Administration',
      hired: faker.date.past({ years: 15 }).toISOString().slice(0, 10),
    };
  });
  const profiles = await insertProfiles(manager, 'staff', people, () => null);
  await manager.query(
    `INSERT INTO staff (profile_id, job_title, department, hire_date)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[])`,
    [
      profiles,
      people.map((p) => p.title),
      people.map((p) => p.department),
      people.map((p) => p.hired),
    ],
  );
  return profiles;
}

export async function addStudents(
  manager: EntityManager,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const people = fakePeople(faker, count, mail);
  const born = () =>
    faker.date.birthdate({ mode: 'age', min: 6, max: 16 }).toISOString().slice(0, 10);
  const profiles = await insertProfiles(manager, 'student', people, born);
  // Numbered after the highest seeded number, not the count: a deleted student frees no number.
  const [{ highest }]: Array<{ highest: number }> = await manager.query(
    `SELECT coalesce(max(substring(admission_number FROM '^SEED-([0-9]+)$')::int), 0) AS highest
       FROM students`,
  );
  const numbers = profiles.map((_, i) => `SEED-${String(highest + i + 1).padStart(5, '0')}`);
  await manager.query(
    `INSERT INTO students (profile_id, admission_number, admission_date)
     SELECT p, n, current_date - (random() * 1500)::int
       FROM unnest($1::uuid[], $2::text[]) AS s (p, n)`,
    [profiles, numbers],
  );
  return profiles;
}

export async function addGuardians(
  manager: EntityManager,
  faker: Faker,
  count: number,
  mail: MakeEmail,
): Promise<Ids> {
  if (count <= 0) return [];
  const people = fakePeople(faker, count, mail).map((person) => ({
    ...person,
    phone: faker.phone.number({ style: 'international' }),
  }));
  const profiles = await insertProfiles(manager, 'guardian', people, () => null);
  await manager.query(
    `INSERT INTO guardians (profile_id, phone) SELECT * FROM unnest($1::uuid[], $2::text[])`,
    [profiles, people.map((p) => p.phone)],
  );
  return profiles;
}

/**
 * Families: each new guardian takes the student with the fewest guardians, and one in
 * five also a sibling, so most children end up with one or two guardians.
 */
export async function linkFamilies(
  manager: EntityManager,
  faker: Faker,
  guardians: Ids,
): Promise<number> {
  if (guardians.length === 0) return 0;
  const children: Ids = await ids(
    manager,
    `SELECT st.profile_id AS id FROM students st
       LEFT JOIN student_guardians sg ON sg.student_id = st.profile_id
      GROUP BY st.profile_id ORDER BY count(sg.guardian_id), st.profile_id`,
  );
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
  const rows = await ids(
    manager,
    `INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
     ON CONFLICT DO NOTHING RETURNING student_id AS id`,
    [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2])],
  );
  return rows.length;
}

/**
 * Portal accounts for the seeded people who have none, all with the one password given on
 * the command line (must be changed at first sign-in, like any issued password), each with
 * the system role of their kind.
 */
export async function giveAccounts(
  manager: EntityManager,
  domain: string,
  passwordHash: string,
): Promise<number> {
  const people: Array<{
    id: string;
    kind: string;
    first_name: string;
    middle_name: string | null;
    last_name: string;
    email: string;
  }> = await manager.query(
    `SELECT id, kind, first_name, middle_name, last_name, email FROM profiles
        WHERE user_id IS NULL AND kind IN ('student', 'staff', 'guardian') AND email LIKE $1
        ORDER BY id`,
    [`%@${domain}`],
  );
  if (people.length === 0) return 0;
  const usernames = await allocateLocalUsernames(
    manager,
    people.map((p) => ({
      firstName: p.first_name,
      middleName: p.middle_name,
      lastName: p.last_name,
    })),
  );
  const accounts = await createAccounts(
    manager,
    people.map((p, i) => ({ localUsername: usernames[i], email: p.email, passwordHash })),
  );
  await manager.query(
    `WITH linked AS (
       UPDATE profiles p SET user_id = a.user_id, local_username = a.username, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS a (profile_id, user_id, username)
        WHERE p.id = a.profile_id
       RETURNING p.kind, p.user_id)
     INSERT INTO user_roles (user_id, role_id)
     SELECT l.user_id, r.id FROM linked l
       JOIN roles r ON r.system_key = CASE l.kind WHEN 'staff' THEN 'instructor' ELSE l.kind END
     ON CONFLICT DO NOTHING`,
    [people.map((p) => p.id), accounts, usernames],
  );
  return accounts.length;
}
