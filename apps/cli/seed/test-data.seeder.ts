import { Injectable } from '@nestjs/common';
import { Passwords } from '@schoolyard/identity';
import { SchoolLifecycle } from '@schoolyard/fleet';
import { TenantTransactions } from '@schoolyard/tenancy';
import { createHash } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { schoolYearOf } from './catalogue';
import { addCatalogue, assignTeaching, enrol, handIn, publishContent } from './coursework.seed';
import { addGuardians, addStaff, addStudents, giveAccounts, linkFamilies } from './people.seed';
import { type MakeEmail } from './seed-rows';

export interface SeedSizes {
  students: number;
  staff: number;
  guardians: number;
}

export interface SeedReport {
  school: string;
  academicYear: string;
  /** Test data is not held to the school's plan; this says where it now exceeds it. */
  warnings: string[];
  created: Record<
    | 'programs'
    | 'levels'
    | 'sections'
    | 'subjects'
    | 'staff'
    | 'students'
    | 'guardians'
    | 'guardianLinks'
    | 'enrolments'
    | 'teaching'
    | 'contents'
    | 'submissions'
    | 'accounts',
    number
  >;
}

/**
 * Realistic test data for one school, written in ONE tenant transaction under the school's
 * own role, exactly as requests write: nothing is half-seeded, and nothing can land in
 * another school. Sizes are totals, not increments, so a re-run tops up to the sizes and
 * never duplicates (the catalogue is keyed by code, people are counted first).
 */
@Injectable()
export class TestDataSeeder {
  constructor(
    private readonly schools: SchoolLifecycle,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
  ) {}

  async seed(slug: string, sizes: SeedSizes, password?: string): Promise<SeedReport> {
    const school = await this.schools.bySlug(slug);
    if (school.status === 'archived') {
      throw new Error(`"${slug}" is archived: resume it before seeding`);
    }
    // Hashing is slow on purpose: once, before the transaction, shared by every seeded account.
    const passwordHash = password === undefined ? undefined : await this.passwords.hash(password);
    const year = schoolYearOf(new Date());
    // Loaded here, not at the top: every CLI command would otherwise pay ~0.2 s to load it.
    const { Faker, en } = await import('@faker-js/faker');
    return this.transactions.run(school, async (manager) => {
      // Two seeds of one school at once would both count, then both add.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('seed:' || current_schema()))`);
      const existing = await this.count(manager);
      // The same school and sizes make the same people; a top-up continues the sequence.
      const faker = new Faker({ locale: [en] });
      faker.seed(
        seedOf(`${school.id}:${existing.students}:${existing.staff}:${existing.guardians}`),
      );
      // Unique on the platform: accounts are global, and a dropped school's people keep theirs.
      const domain = seedDomain(slug, school.id);
      let sequence = existing.students + existing.staff + existing.guardians;
      const mail: MakeEmail = (first, last) =>
        `${first}.${last}.${++sequence}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');

      const catalogue = await addCatalogue(manager, year, sizes.students);
      const created = { ...catalogue.created } as SeedReport['created'];
      const staff = await addStaff(manager, faker, sizes.staff - existing.staff, mail);
      created.staff = staff.length;
      const students = await addStudents(manager, faker, sizes.students - existing.students, mail);
      created.students = students.length;
      created.enrolments = await enrol(manager, catalogue.sections);
      const guardians = await addGuardians(
        manager,
        faker,
        sizes.guardians - existing.guardians,
        mail,
      );
      created.guardians = guardians.length;
      created.guardianLinks = await linkFamilies(manager, faker, guardians);
      created.teaching = await assignTeaching(manager, catalogue.sections);
      const contents = await publishContent(manager, faker);
      created.contents = contents.length;
      created.submissions = await handIn(manager, faker, contents);
      created.accounts = passwordHash ? await giveAccounts(manager, domain, passwordHash) : 0;
      return { school: slug, academicYear: year, warnings: await overPlan(manager), created };
    });
  }

  private async count(manager: EntityManager): Promise<SeedSizes> {
    const [row]: SeedSizes[] = await manager.query(
      `SELECT (SELECT count(*)::int FROM students) AS students,
              (SELECT count(*)::int FROM staff) AS staff,
              (SELECT count(*)::int FROM guardians) AS guardians`,
    );
    return row;
  }
}

/** Where the seeded school now holds more than its plan allows (enrolment will answer 402). */
async function overPlan(manager: EntityManager): Promise<string[]> {
  const [plan]: Array<{
    plan_code: string;
    max_students: number | null;
    max_staff: number | null;
    students: number;
    staff: number;
  }> = await manager.query(
    `SELECT s.plan_code, s.max_students, s.max_staff,
            (SELECT count(*)::int FROM students WHERE status = 'active') AS students,
            (SELECT count(*)::int FROM staff WHERE status = 'active') AS staff
       FROM public.school_subscription(false) s`,
  );
  if (!plan) return [];
  const over = (what: string, count: number, max: number | null) =>
    max !== null && count > max
      ? [`${count} active ${what}, over the ${plan.plan_code} plan's ${max}: new ones answer 402`]
      : [];
  return [
    ...over('students', plan.students, plan.max_students),
    ...over('staff', plan.staff, plan.max_staff),
  ];
}

/** Where seeded people's addresses live: the slug to read, the id to stay unique after a drop. */
function seedDomain(slug: string, schoolId: string): string {
  return `${slug}-${schoolId.slice(0, 8)}.seed.example`;
}

function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
