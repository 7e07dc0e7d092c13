import { type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppError } from '@schoolyard/common';
import { type AppConfig, loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { type Principal } from '@schoolyard/identity';
import { RegistrationService } from '@schoolyard/organizations';
import { SchoolAccess } from '@schoolyard/rbac';
import { requestStore, type SchoolyardStore } from '@schoolyard/common';
import { type School, SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { AppModule } from '../../apps/api/app.module';
import { OWNER_PASSWORD, testDatabaseUrl, uniqueSubdomain } from './test-app';

/**
 * The medium tier: the application's services on the run's real database, without HTTP. A
 * spec calls a service inside one school's transaction, opened the way a request opens it, so
 * every rule bound to SQL (constraints, locks, the school's role) runs for real, at a fraction
 * of an end-to-end suite's cost. Nothing is mocked: not the database, not tenancy, not argon2.
 */
export interface MediumTier {
  config: AppConfig;
  /** A provider of the application: a service under test. */
  get<T>(type: Type<T>): T;
  /**
   * A new school, made by registration (the real provisioning and seed). It costs an argon2
   * hash and the school's DDL: make it in `beforeAll` and share it, unless a test needs a
   * school of its own (a plan filled to its limit, a second school for isolation).
   */
  provision(name?: string): Promise<TestSchool>;
  /** Runs `work` in `school`'s tenant transaction, as `as` (its owner unless given). */
  inSchool<T>(
    school: TestSchool,
    work: (manager: EntityManager) => Promise<T>,
    as?: string,
  ): Promise<T>;
  close(): Promise<void>;
}

export interface TestSchool extends School {
  host: string;
  ownerUserId: string;
}

/** Builds the application module once per file, as `createTestApp` does, minus Fastify. */
export async function createMediumTier(env: Record<string, string> = {}): Promise<MediumTier> {
  const databaseUrl = testDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    SMTP_URL: process.env.SCHOOLYARD_TEST_SMTP_URL ?? '',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const { urls } = await prepareDatabase(databaseUrl, config.apiDatabaseUrl);
  const module: TestingModule = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, urls)],
  }).compile();
  // Lifecycle hooks run as in the API: notifications are heard, plans are seeded.
  await module.init();
  const cls = module.get(ClsService);
  const transactions = module.get(TenantTransactions);
  const access = module.get(SchoolAccess);

  async function provision(name?: string): Promise<TestSchool> {
    const subdomain = uniqueSubdomain('m');
    const made = await module.get(RegistrationService).register({
      name: name ?? `School ${subdomain}`,
      subdomain,
      owner: {
        firstName: 'Olive',
        lastName: 'Owner',
        email: `owner@${subdomain}.example`,
        password: OWNER_PASSWORD,
      },
    });
    // The directory's School, as a request resolved from the host would carry it.
    const school = await module.get(SchoolDirectory).findByHost(made.organization.host);
    if (!school) throw new Error(`the directory does not know ${made.organization.host}`);
    return { ...school, host: made.organization.host, ownerUserId: made.owner.userId };
  }

  /**
   * What the guards put in a request's context (the caller, their grant here), then the
   * school's transaction. The grant is read as PermissionsGuard reads it, through the cache.
   */
  function inSchool<T>(
    school: TestSchool,
    work: (manager: EntityManager) => Promise<T>,
    as = school.ownerUserId,
  ): Promise<T> {
    return cls.run(async () => {
      const principal: Principal = {
        userId: as,
        sessionId: randomUUID(),
        schoolId: school.id,
        mustChangePassword: false,
      };
      const store = requestStore(cls) as SchoolyardStore;
      store.principal = principal;
      store.callerGrant = await access.grantOf(school, as);
      return transactions.run(school, work);
    });
  }

  return {
    config,
    get: (type) => module.get(type, { strict: false }),
    provision,
    inSchool,
    close: () => module.close(),
  };
}

/** The AppError a promise was refused with; fails the test when it resolves or throws another. */
export async function refusal(work: Promise<unknown>): Promise<AppError> {
  const outcome = await work.then(
    () => new Error('expected a refusal, but the work succeeded'),
    (error: unknown) => error,
  );
  if (outcome instanceof AppError) return outcome;
  throw outcome;
}
