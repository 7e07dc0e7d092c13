import { Test } from '@nestjs/testing';
import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { FleetModule, TenantMigrator } from '@schoolyard/fleet';
import { tenantMigrations } from '@schoolyard/migrations/tenant';
import { RegistrationService } from '@schoolyard/organizations';
import { AppModule } from '../../apps/api/app.module';
import { type MediumTier, createMediumTier } from '../support/medium';
import {
  OWNER_PASSWORD,
  testDatabaseUrl,
  uniqueSubdomain,
  withOwnerClient,
} from '../support/test-app';

const MIGRATION = 'SchoolYearAndAttendance1763900000700';

/**
 * A school made by the build before the school year existed (its tenant migrations stop short
 * of SchoolYearAndAttendance), given sections of two free-text years and an enrolment, then
 * migrated by today's migrator: nothing of it is lost.
 */
describe('Migrating a school to academic years', () => {
  let tier: MediumTier;
  let school: { id: string; slug: string; schemaName: string };

  beforeAll(async () => {
    const before = tenantMigrations.slice(
      0,
      tenantMigrations.findIndex((Migration) => new Migration().name === MIGRATION),
    );
    expect(before.length).toBeGreaterThan(0);
    school = await registerWithOlderBuild(before);
    tier = await createMediumTier();
  });

  afterAll(async () => {
    await tier?.close();
  });

  it('gives each section a year of its old name and each enrolment the day it began', async () => {
    const schema = `"${school.schemaName}"`;
    const { enrolledAt } = await withOwnerClient(async (db) => {
      await db.query(`UPDATE ${schema}.school_settings SET timezone = 'Asia/Kathmandu'`);
      const level = await db.query<{ id: string }>(
        `WITH p AS (INSERT INTO ${schema}.programs (code, name) VALUES ('MID', 'Middle') RETURNING id)
         INSERT INTO ${schema}.academic_levels (program_id, name, position)
         SELECT id, 'Grade 7', 7 FROM p RETURNING id`,
      );
      await db.query(
        `INSERT INTO ${schema}.sections (level_id, academic_year, name, capacity)
         VALUES ($1, '2024-2025', '7A', 30), ($1, '2025-2026', '7A', 30), ($1, '2025-2026', '7B', 30)`,
        [level.rows[0].id],
      );
      await db.query(
        `WITH p AS (INSERT INTO ${schema}.profiles (kind, first_name, last_name)
                    VALUES ('student', 'Ana', 'Pupil') RETURNING id),
              s AS (INSERT INTO ${schema}.students (profile_id, admission_number, admission_date)
                    SELECT id, 'A-1', '2025-08-01' FROM p RETURNING profile_id)
         INSERT INTO ${schema}.section_students (section_id, student_id, enrolled_at)
         SELECT sec.id, s.profile_id, '2025-08-31 20:00:00+00'
           FROM s, ${schema}.sections sec WHERE sec.academic_year = '2025-2026' AND sec.name = '7B'`,
      );
      // 20:00 UTC on 31 August is already 1 September in Kathmandu (UTC+05:45).
      return { enrolledAt: '2025-09-01' };
    });

    const outcome = await tier.get(TenantMigrator).migrateSchool(school);
    expect(outcome).toMatchObject({ status: 'migrated' });
    expect(outcome.status === 'migrated' && outcome.applied).toContain(MIGRATION);

    await withOwnerClient(async (db) => {
      const sections = await db.query(
        `SELECT sec.name, y.name AS year, to_char(y.starts_on, 'YYYY-MM-DD') AS starts_on,
                to_char(y.ends_on, 'YYYY-MM-DD') AS ends_on, y.is_current
           FROM ${schema}.sections sec JOIN ${schema}.academic_years y ON y.id = sec.academic_year_id
          ORDER BY y.starts_on, sec.name`,
      );
      expect(sections.rows).toEqual([
        {
          name: '7A',
          year: '2024-2025',
          starts_on: '2024-07-01',
          ends_on: '2025-06-30',
          is_current: false,
        },
        {
          name: '7A',
          year: '2025-2026',
          starts_on: '2025-07-01',
          ends_on: '2026-06-30',
          is_current: false,
        },
        {
          name: '7B',
          year: '2025-2026',
          starts_on: '2025-07-01',
          ends_on: '2026-06-30',
          is_current: false,
        },
      ]);
      const years = await db.query(`SELECT count(*)::int AS n FROM ${schema}.academic_years`);
      expect(years.rows[0].n).toBe(2);
      const enrolment = await db.query(
        `SELECT to_char(joined_on, 'YYYY-MM-DD') AS joined_on, left_on, id IS NOT NULL AS has_id
           FROM ${schema}.section_students`,
      );
      expect(enrolment.rows).toEqual([{ joined_on: enrolledAt, left_on: null, has_id: true }]);
      const settings = await db.query(
        `SELECT rest_days::int[] AS rest_days, attendance_edit_days FROM ${schema}.school_settings`,
      );
      expect(settings.rows).toEqual([{ rest_days: [6, 7], attendance_edit_days: 0 }]);
    });
  });
});

/**
 * Registers a school through an application whose fleet knows only `migrations`, as the build
 * before this one would have; then closes that application.
 */
async function registerWithOlderBuild(
  migrations: typeof tenantMigrations,
): Promise<{ id: string; slug: string; schemaName: string }> {
  const databaseUrl = testDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    SMTP_URL: process.env.SCHOOLYARD_TEST_SMTP_URL ?? '',
    DATABASE_URL: databaseUrl,
  });
  const { urls } = await prepareDatabase(databaseUrl, config.apiDatabaseUrl);
  const module = await Test.createTestingModule({ imports: [AppModule.forRoot(config, urls)] })
    .overrideModule(FleetModule)
    .useModule(FleetModule.withMigrations(migrations))
    .compile();
  await module.init();
  try {
    const subdomain = uniqueSubdomain('mig');
    const made = await module.get(RegistrationService).register({
      name: `School ${subdomain}`,
      subdomain,
      owner: {
        firstName: 'Olive',
        lastName: 'Owner',
        email: `owner@${subdomain}.example`,
        password: OWNER_PASSWORD,
      },
    });
    const schemaName = `school_${subdomain}`;
    const applied = await withOwnerClient((db) =>
      db.query<{ name: string }>(`SELECT name FROM "${schemaName}".school_migrations`),
    );
    // The school really stopped before the school year.
    expect(applied.rows.map((row) => row.name)).not.toContain(MIGRATION);
    return { id: made.organization.id, slug: subdomain, schemaName };
  } finally {
    await module.close();
  }
}
