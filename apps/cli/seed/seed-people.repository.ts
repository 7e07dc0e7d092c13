import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { allocateLocalUsernames } from '@schoolyard/identity';
import { createAccounts } from '@schoolyard/people';
import { TenantContext } from '@schoolyard/tenancy';
import { type FakePerson, type Ids } from './seed-rows';

export interface SeededStaff {
  profileId: string;
  title: string;
  department: string;
  hired: string;
}

/** A seeded person who has no portal account yet. */
export interface PersonWithoutAccount {
  id: string;
  kind: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string;
}

/** The people of a seeded school, written in bulk: one statement per kind of row. */
@Injectable()
export class SeedPeopleRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Profiles of one kind, in order; `birthDates` lines up with `people` (null for none). */
  async insertProfiles(
    kind: 'student' | 'staff' | 'guardian',
    people: readonly FakePerson[],
    birthDates: ReadonlyArray<string | null>,
  ): Promise<Ids> {
    return this.ids(
      `INSERT INTO profiles (kind, first_name, last_name, email, gender, date_of_birth)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[])
       RETURNING id`,
      [
        kind,
        people.map((p) => p.first),
        people.map((p) => p.last),
        people.map((p) => p.email),
        people.map((p) => p.gender),
        birthDates,
      ],
    );
  }

  async insertStaff(staff: readonly SeededStaff[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO staff (profile_id, job_title, department, hire_date)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[])`,
      [
        staff.map((s) => s.profileId),
        staff.map((s) => s.title),
        staff.map((s) => s.department),
        staff.map((s) => s.hired),
      ],
    );
  }

  /** The highest seeded admission number (SEED-00042 → 42), 0 for none. */
  async highestSeedAdmissionNumber(): Promise<number> {
    const row = await selectRow<{ highest: number }>(
      this.tenant.manager,
      `SELECT coalesce(max(substring(admission_number FROM '^SEED-([0-9]+)$')::int), 0) AS highest
         FROM students`,
    );
    return row?.highest ?? 0;
  }

  /** Students admitted on random days of the last four years or so. */
  async insertStudents(profileIds: Ids, admissionNumbers: string[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO students (profile_id, admission_number, admission_date)
       SELECT p, n, current_date - (random() * 1500)::int
         FROM unnest($1::uuid[], $2::text[]) AS s (p, n)`,
      [profileIds, admissionNumbers],
    );
  }

  async insertGuardians(profileIds: Ids, phones: string[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO guardians (profile_id, phone) SELECT * FROM unnest($1::uuid[], $2::text[])`,
      [profileIds, phones],
    );
  }

  /** Every student, those with the fewest guardians first. */
  childrenByFewestGuardians(): Promise<Ids> {
    return this.ids(
      `SELECT st.profile_id AS id FROM students st
         LEFT JOIN student_guardians sg ON sg.student_id = st.profile_id
        GROUP BY st.profile_id ORDER BY count(sg.guardian_id), st.profile_id`,
    );
  }

  /** [student, guardian, relationship] links; answers how many were new. */
  async insertGuardianLinks(links: ReadonlyArray<[string, string, string]>): Promise<number> {
    const rows = await this.ids(
      `INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING student_id AS id`,
      [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2])],
    );
    return rows.length;
  }

  /** The seeded people (by the domain of their address) who have no account yet. */
  peopleWithoutAccounts(domain: string): Promise<PersonWithoutAccount[]> {
    return selectRows<PersonWithoutAccount>(
      this.tenant.manager,
      `SELECT id, kind, first_name, middle_name, last_name, email FROM profiles
        WHERE user_id IS NULL AND kind IN ('student', 'staff', 'guardian') AND email LIKE $1
        ORDER BY id`,
      [`%@${domain}`],
    );
  }

  /**
   * Accounts for `people`, all with one password hash, linked to their profiles with the
   * system role of their kind (staff are instructors); answers how many were made.
   */
  async openAccounts(
    people: readonly PersonWithoutAccount[],
    passwordHash: string,
  ): Promise<number> {
    const manager = this.tenant.manager;
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
    await execute(
      manager,
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

  private async ids(sql: string, parameters: unknown[] = []): Promise<Ids> {
    const rows = await selectRows<{ id: string }>(this.tenant.manager, sql, parameters);
    return rows.map((row) => row.id);
  }
}
