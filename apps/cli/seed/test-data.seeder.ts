import { Injectable } from '@nestjs/common';
import { Passwords } from '@schoolyard/identity';
import { SchoolLifecycle, TenantTransactions } from '@schoolyard/tenancy';
import { createHash } from 'node:crypto';
import { schoolYearOf } from './catalogue';
import { addCatalogue, handIn, publishContent } from './coursework.seed';
import { addGuardians, addStaff, addStudents, giveAccounts, linkFamilies } from './people.seed';
import { SeedCourseworkRepository } from './seed-coursework.repository';
import { SeedPeopleRepository } from './seed-people.repository';
import { type MakeEmail } from './seed-rows';
import { type PeopleCounts, type PlanUsage, TestDataRepository } from './test-data.repository';

export type SeedSizes = PeopleCounts;

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
    private readonly testData: TestDataRepository,
    private readonly people: SeedPeopleRepository,
    private readonly coursework: SeedCourseworkRepository,
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
    const { people, coursework } = this;
    return this.transactions.run(school, async () => {
      // Two seeds of one school at once would both count, then both add.
      await this.testData.lockSchoolForSeeding();
      const existing = await this.testData.countPeople();
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

      const catalogue = await addCatalogue(coursework, year, sizes.students);
      const created = { ...catalogue.created } as SeedReport['created'];
      const staff = await addStaff(people, faker, sizes.staff - existing.staff, mail);
      created.staff = staff.length;
      const students = await addStudents(people, faker, sizes.students - existing.students, mail);
      created.students = students.length;
      created.enrolments = await coursework.enrolWaitingStudents(catalogue.sections);
      const guardians = await addGuardians(
        people,
        faker,
        sizes.guardians - existing.guardians,
        mail,
      );
      created.guardians = guardians.length;
      created.guardianLinks = await linkFamilies(people, faker, guardians);
      created.teaching = await coursework.assignTeaching(catalogue.sections);
      const contents = await publishContent(coursework, faker);
      created.contents = contents.length;
      created.submissions = await handIn(coursework, faker, contents);
      created.accounts = passwordHash ? await giveAccounts(people, domain, passwordHash) : 0;
      const warnings = overPlan(await this.testData.planUsage());
      return { school: slug, academicYear: year, warnings, created };
    });
  }
}

/** Where the seeded school now holds more than its plan allows (enrolment will answer 402). */
function overPlan(plan: PlanUsage | undefined): string[] {
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
