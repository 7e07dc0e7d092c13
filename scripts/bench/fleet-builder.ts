import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls, OWNER_DATA_SOURCE } from '@schoolyard/database';
import { Passwords } from '@schoolyard/identity';
import { SchoolProvisioning } from '@schoolyard/fleet';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { type DataSource, type EntityManager } from 'typeorm';
import { createHttpApp } from '../../apps/api/http-app';
import { AuthSessions } from '../../libs/identity/auth/auth-sessions.service';
import { AuthTokens } from '../../libs/identity/auth/auth-tokens.service';
import { BENCH_PASSWORD } from './harness';

export const STUDENTS_PER_SCHOOL = 50;

/** A school of the benchmark's fleet, with a bearer token of its owner. */
export interface FleetSchool {
  host: string;
  bearer: Record<string, string>;
}

/** 50 students with their profiles, in one statement, in the current school's schema. */
export async function addStudents(manager: EntityManager, count = STUDENTS_PER_SCHOOL) {
  await manager.query(
    `WITH made AS (
       INSERT INTO profiles (kind, first_name, last_name)
       SELECT 'student', 'Student', 'Number ' || n FROM generate_series(1, $1) AS n
       RETURNING id, last_name)
     INSERT INTO students (profile_id, admission_number, admission_date)
     SELECT id, 'A-' || substr(last_name, 8), current_date FROM made`,
    [count],
  );
}

/**
 * Builds a fleet in this process through the product's own provisioning service (every
 * tenant migration, role and seeded permission, in one transaction per school), a few schools
 * at a time. It seeds what registration seeds (owner account, profile, settings, Owner role,
 * membership) with one password hash computed up front, since hashing 10,000 owner passwords
 * is not what the benchmark is about, plus 50 students. Owners get sessions and tokens the
 * way a sign-in makes them, signed with the server's JWT secret.
 */
export class FleetBuilder {
  private constructor(
    private readonly app: NestFastifyApplication,
    private readonly passwordHash: string,
  ) {}

  static async open(config: AppConfig, urls: DatabaseUrls): Promise<FleetBuilder> {
    const app = await createHttpApp(config, urls);
    return new FleetBuilder(app, await new Passwords(config).hash(BENCH_PASSWORD));
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  /** Schools `${prefix}${from}` .. `${prefix}${to - 1}`, `concurrency` at a time. */
  async build(prefix: string, from: number, to: number, concurrency: number): Promise<void> {
    const provisioning = this.app.get(SchoolProvisioning);
    let next = from;
    const worker = async () => {
      while (next < to) {
        const i = next++;
        const slug = `${prefix}${i}`;
        await provisioning.provision({ subdomain: slug, name: `Fleet school ${i}` }, (m, school) =>
          this.seed(m, school.id, slug, `Fleet school ${i}`),
        );
        if ((i + 1) % 500 === 0) process.stderr.write(`  built ${i + 1}/${to}\n`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Students for schools made elsewhere (through the registration endpoint). */
  async addStudentsTo(schemaNames: string[]): Promise<void> {
    const owner = this.app.get<DataSource>(getDataSourceToken(OWNER_DATA_SOURCE));
    for (const schemaName of schemaNames) {
      await owner.transaction(async (manager) => {
        await manager.query(`SELECT set_config('search_path', $1, true)`, [
          quoteIdentifier(schemaName),
        ]);
        await addStudents(manager);
      });
    }
  }

  /** A session and an access token for the owner of every school whose slug starts so. */
  async ownerTokens(slugPrefix: string): Promise<FleetSchool[]> {
    const owner = this.app.get<DataSource>(getDataSourceToken(OWNER_DATA_SOURCE));
    const rows: Array<{ host: string; user_id: string; organization_id: string }> =
      await owner.query(
        `SELECT d.host, m.user_id, m.organization_id
           FROM public.organizations o
           JOIN public.domains d ON d.organization_id = o.id
           JOIN public.school_memberships m ON m.organization_id = o.id
          WHERE o.slug LIKE $1 || '%' ORDER BY o.created_at`,
        [slugPrefix],
      );
    const sessions = this.app.get(AuthSessions);
    const tokens = this.app.get(AuthTokens);
    const schools: FleetSchool[] = [];
    for (const row of rows) {
      const { sessionId } = await sessions.open(row.user_id, row.organization_id);
      const accessToken = tokens.signAccess({
        userId: row.user_id,
        sessionId,
        schoolId: row.organization_id,
        mustChangePassword: false,
      });
      schools.push({ host: row.host, bearer: { authorization: `Bearer ${accessToken}` } });
    }
    return schools;
  }

  private async seed(manager: EntityManager, schoolId: string, slug: string, name: string) {
    const [user]: Array<{ id: string }> = await manager.query(
      `INSERT INTO public.users (global_username, email, password_hash) VALUES ($1, $2, $3)
       RETURNING id`,
      [`owner_${slug}`, `owner@${slug}.example`, this.passwordHash],
    );
    await manager.query(
      `INSERT INTO profiles (kind, first_name, last_name, email, local_username, user_id)
       VALUES ('owner', 'Fleet', 'Owner', $1, 'fleetowner', $2)`,
      [`owner@${slug}.example`, user.id],
    );
    await manager.query(`INSERT INTO school_settings (id, display_name) VALUES (1, $1)`, [name]);
    await manager.query(
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE system_key = 'owner'`,
      [user.id],
    );
    await manager.query(
      `INSERT INTO public.school_memberships (user_id, organization_id) VALUES ($1, $2)`,
      [user.id, schoolId],
    );
    await addStudents(manager);
  }
}
