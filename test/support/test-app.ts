import { type Type } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AppConfig, loadConfig } from '@schoolyard/config';
import { type DatabaseUrls, prepareDatabase } from '@schoolyard/database';
import { globalUsernameFor, localUsernameBase, Passwords } from '@schoolyard/identity';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type DestinationStream } from 'pino';
import { createHttpApp } from '../../apps/api/http-app';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  urls: DatabaseUrls;
  close(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.SCHOOLYARD_TEST_DATABASE_URL;
  if (!url) throw new Error('SCHOOLYARD_TEST_DATABASE_URL is unset: run the suite with `npm test`');
  return url;
}

export interface TestAppOptions {
  /** Another database than the run's (a suite that must not disturb the others). */
  databaseUrl?: string;
  /** Where the request pool connects, given the prepared URLs (a suite putting PgBouncer in between). */
  requestsUrl?: (urls: DatabaseUrls) => string;
}

/** The real application on the run's database; `env` overrides configuration like the environment would. */
export async function createTestApp(
  env: Record<string, string> = {},
  controllers: Type[] = [],
  logStream?: DestinationStream,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? testDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Instances of one deployment share the secret; passport's strategy registry is
    // process-wide too, so every app a test file builds must agree on it.
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    // Suites register dozens of schools from one address; test/rate-limits covers the limit.
    RATE_LIMIT_PLATFORM_PER_MINUTE: '1000000',
    REGISTRATION_PER_ADDRESS_PER_HOUR: '1000000',
    REGISTRATION_PER_HOUR: '1000000',
    // Every app of the run delivers into the run's SMTP server (test/support/smtp-sink.ts),
    // and retries a refused delivery within seconds.
    SMTP_URL: process.env.SCHOOLYARD_TEST_SMTP_URL ?? '',
    MAIL_RETRY_DELAY_SECONDS: '1',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const prepared = await prepareDatabase(databaseUrl, config.apiDatabaseUrl);
  const urls = options.requestsUrl
    ? { ...prepared.urls, requestsUrl: options.requestsUrl(prepared.urls) }
    : prepared.urls;
  const app = await createHttpApp(config, urls, { controllers, logStream });
  return { app, config, urls, close: () => app.close() };
}

/** A subdomain no other test uses. */
export function uniqueSubdomain(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface RegisteredSchool {
  id: string;
  slug: string;
  host: string;
  name: string;
  ownerUsername: string;
  ownerUserId: string;
}

export const OWNER_PASSWORD = 'a long enough password';

export async function registerSchool(
  app: NestFastifyApplication,
  overrides: { subdomain?: string; name?: string; email?: string } = {},
): Promise<RegisteredSchool> {
  const subdomain = overrides.subdomain ?? uniqueSubdomain();
  const name = overrides.name ?? `School ${subdomain}`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/organizations/register',
    headers: { host: 'localhost' },
    payload: {
      name,
      subdomain,
      owner: {
        firstName: 'Olive',
        lastName: 'Owner',
        email: overrides.email ?? `owner@${subdomain}.example`,
        password: OWNER_PASSWORD,
      },
    },
  });
  if (response.statusCode !== 201) {
    throw new Error(
      `registration of ${subdomain} answered ${response.statusCode}: ${response.body}`,
    );
  }
  const body = response.json<{
    organization: { id: string; host: string };
    owner: { username: string; userId: string };
  }>();
  return {
    id: body.organization.id,
    slug: subdomain,
    host: body.organization.host,
    name,
    ownerUsername: body.owner.username,
    ownerUserId: body.owner.userId,
  };
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  cookies: Record<string, string>;
  mustChangePassword: boolean;
  /** Authorization header for app.inject. */
  bearer: { authorization: string };
}

export async function signIn(
  app: NestFastifyApplication,
  host: string,
  username: string,
  password = OWNER_PASSWORD,
): Promise<SignedIn> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { host },
    payload: { username, password },
  });
  if (response.statusCode !== 200) {
    throw new Error(
      `sign-in of ${username} at ${host} answered ${response.statusCode}: ${response.body}`,
    );
  }
  const body = response.json<{
    accessToken: string;
    refreshToken: string;
    mustChangePassword: boolean;
  }>();
  const cookies = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
  return { ...body, cookies, bearer: { authorization: `Bearer ${body.accessToken}` } };
}

/** A direct connection as the owner account, for looking at the catalog behind the API's back. */
export async function withOwnerClient<T>(
  work: (client: Client) => Promise<T>,
  databaseUrl = testDatabaseUrl(),
): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface Member {
  userId: string;
  username: string;
  password: string;
}

/**
 * A person of `school` with an account, written straight into the database (real argon2
 * hash). Pass `userId` to link an account that already exists, as a person of two schools.
 */
export async function addMember(
  t: TestApp,
  school: RegisteredSchool,
  person: { firstName: string; lastName: string; kind?: string; userId?: string },
): Promise<Member> {
  const password = `${person.firstName} has a long password`;
  const username = localUsernameBase(person.firstName, undefined, person.lastName);
  const schema = `school_${school.slug.replace(/-/g, '_')}`;
  return withOwnerClient(async (db) => {
    let userId = person.userId;
    if (!userId) {
      const hash = await new Passwords(t.config).hash(password);
      const created = await db.query<{ id: string }>(
        `INSERT INTO public.users (global_username, password_hash) VALUES ($1, $2) RETURNING id`,
        [globalUsernameFor(username), hash],
      );
      userId = created.rows[0].id;
    }
    await db.query(
      `INSERT INTO "${schema}".profiles (kind, first_name, last_name, local_username, user_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [person.kind ?? 'staff', person.firstName, person.lastName, username, userId],
    );
    await db.query(
      `INSERT INTO public.school_memberships (user_id, organization_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [userId, school.id],
    );
    return { userId, username, password };
  });
}
