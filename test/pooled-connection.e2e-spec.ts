import { PG_INSUFFICIENT_PRIVILEGE, pgErrorOf } from '@schoolyard/database';
import { SchoolDirectory, TenantTransactions, type School } from '@schoolyard/tenancy';
import {
  COMMIT_TENANT_TRANSACTION,
  ROLLBACK_TENANT_TRANSACTION,
} from '../libs/tenancy/session-reset';
import { openTenantTransactionSql } from '../libs/tenancy/tenant-transactions.service';
import { randomInt } from 'node:crypto';
import { Client, type QueryResult } from 'pg';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/**
 * The attacks of a school whose transaction leaves state on its pooled connection, played with
 * plain SQL as the API's login role: each transaction is opened and closed with the kernel's
 * own messages, and the next one, on the SAME connection, serves another school.
 */

const TIMEOUT_MS = 5000;

async function schoolOf(t: TestApp, registered: RegisteredSchool): Promise<School> {
  const school = await t.app.get(SchoolDirectory).findByHost(registered.host);
  if (!school) throw new Error(`no school at ${registered.host}`);
  return school;
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

/** One transaction the way the kernel runs it: its opening, `sql`, its COMMIT (or ROLLBACK). */
async function inSchool<T extends object>(db: Client, school: School, sql: string): Promise<T[]> {
  await db.query(openTenantTransactionSql(school, TIMEOUT_MS));
  try {
    // Several statements answer with one result each; the last one's rows are the answer.
    const answer: QueryResult<T> | Array<QueryResult<T>> = await db.query<T>(sql);
    await db.query(COMMIT_TENANT_TRANSACTION);
    return (Array.isArray(answer) ? answer[answer.length - 1] : answer).rows;
  } catch (error) {
    await db.query(ROLLBACK_TENANT_TRANSACTION);
    throw error;
  }
}

interface SessionView {
  who: string;
  path: string;
  statement_timeout: string;
  lock_timeout: string;
  work_mem: string;
  read_only: string;
  prepared: number;
  cursors: number;
  locks: number;
  channels: number;
}

const LOOK_AROUND = `
  SELECT current_user AS who, current_setting('search_path') AS path,
         current_setting('statement_timeout') AS statement_timeout,
         current_setting('lock_timeout') AS lock_timeout, current_setting('work_mem') AS work_mem,
         current_setting('transaction_read_only') AS read_only,
         (SELECT count(*) FROM pg_prepared_statements)::int AS prepared,
         (SELECT count(*) FROM pg_cursors)::int AS cursors,
         (SELECT count(*) FROM pg_locks
           WHERE locktype = 'advisory' AND pid = pg_backend_pid())::int AS locks,
         (SELECT count(*) FROM pg_listening_channels())::int AS channels`;

describe('nothing a transaction leaves on its pooled connection reaches the next school', () => {
  let t: TestApp;
  let oxford: RegisteredSchool;
  let cambridge: RegisteredSchool;
  let a: School;
  let b: School;
  let db: Client;
  /** What each sees on a connection no one has used before. */
  let fresh: { a: SessionView; b: SessionView; platform: SessionView };

  const connect = async () => {
    const client = new Client({ connectionString: t.urls.requestsUrl });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp();
    oxford = await registerSchool(t.app, { name: 'Oxford' });
    cambridge = await registerSchool(t.app, { name: 'Cambridge' });
    [a, b] = [await schoolOf(t, oxford), await schoolOf(t, cambridge)];
    const first = await connect();
    try {
      fresh = {
        a: (await inSchool<SessionView>(first, a, LOOK_AROUND))[0],
        b: (await inSchool<SessionView>(first, b, LOOK_AROUND))[0],
        platform: (await first.query<SessionView>(LOOK_AROUND)).rows[0],
      };
    } finally {
      await first.end();
    }
  });
  beforeEach(async () => {
    db = await connect();
  });
  afterEach(async () => {
    await db.end();
  });
  afterAll(async () => {
    await t.close();
  });

  /** The same connection, as Cambridge and as platform work, looks as it did when new. */
  async function expectClean(): Promise<void> {
    expect((await inSchool<SessionView>(db, b, LOOK_AROUND))[0]).toEqual(fresh.b);
    expect((await db.query<SessionView>(LOOK_AROUND)).rows[0]).toEqual(fresh.platform);
    const written = await inSchool<{ locale: string }>(
      db,
      b,
      'UPDATE school_settings SET locale = locale RETURNING locale',
    );
    expect(written).toHaveLength(1);
  }

  it('names pg_temp last and gives school roles and the login no temporary objects at all', async () => {
    expect(fresh.a.path).toBe(`"${a.schemaName}", pg_temp`);
    for (const statement of [
      'CREATE TEMP TABLE profiles AS SELECT * FROM profiles',
      'CREATE TEMP VIEW profiles AS SELECT 1 AS id',
      // The login itself, which a transaction can step back into.
      'RESET ROLE; CREATE TEMP TABLE profiles (id int)',
    ]) {
      const error = await rejection(inSchool(db, a, statement));
      expect(pgErrorOf(error)?.code).toBe(PG_INSUFFICIENT_PRIVILEGE);
    }
    const privileges = await withOwnerClient((owner) =>
      owner.query<{ allowed: boolean }>(
        `SELECT has_database_privilege(role, current_database(), 'TEMPORARY') AS allowed
           FROM unnest($1::text[]) AS role`,
        [[a.dbRole, b.dbRole, t.urls.apiRole, 'public']],
      ),
    );
    expect(privileges.rows.map((row) => row.allowed)).toEqual([false, false, false, false]);
    await expectClean();
  });

  it("keeps a school's own tables ahead of a temporary one, and drops it before the next school", async () => {
    // As if an operator had granted it back: the path and the reset still hold.
    const grant = (verb: 'GRANT' | 'REVOKE') =>
      withOwnerClient(async (owner) => {
        const name = (await owner.query<{ name: string }>('SELECT current_database() AS name'))
          .rows[0].name;
        await owner.query(
          `${verb} TEMPORARY ON DATABASE ${owner.escapeIdentifier(name)} ${verb === 'GRANT' ? 'TO' : 'FROM'} "${a.dbRole}"`,
        );
      });
    await grant('GRANT');
    try {
      const seen = await inSchool<{ local_username: string }>(
        db,
        a,
        `CREATE TEMP TABLE profiles (local_username text);
         INSERT INTO pg_temp.profiles VALUES ('intruder');
         GRANT ALL ON pg_temp.profiles TO PUBLIC;
         SELECT local_username FROM profiles WHERE local_username IS NOT NULL`,
      );
      expect(seen.map((row) => row.local_username)).toEqual([oxford.ownerUsername]);
    } finally {
      await grant('REVOKE');
    }
    const cambridgeSees = await inSchool<{ local_username: string }>(
      db,
      b,
      'SELECT local_username FROM profiles WHERE local_username IS NOT NULL',
    );
    expect(cambridgeSees.map((row) => row.local_username)).toEqual([cambridge.ownerUsername]);
    const left = await inSchool<{ tables: number }>(
      db,
      b,
      `SELECT count(*)::int AS tables FROM pg_class WHERE relnamespace = pg_my_temp_schema()`,
    );
    expect(left[0].tables).toBe(0);
    await expectClean();
  });

  it('resets session settings, whichever way they were set', async () => {
    await inSchool(
      db,
      a,
      `SET statement_timeout = 100;
       SELECT set_config('lock_timeout', '100', false);
       SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;
       SET work_mem = '77kB';
       SELECT set_config('role', '${a.dbRole}', false)`,
    );
    // Platform work on the connection (sign-in runs there) is not cut short at 100 ms.
    await expect(db.query('SELECT pg_sleep(0.3)')).resolves.toBeDefined();
    await expectClean();
  });

  it('leaves no prepared statement, held cursor, session lock or LISTEN', async () => {
    const key = randomInt(1, 2 ** 31);
    await inSchool(
      db,
      a,
      `PREPARE leftover AS SELECT display_name FROM school_settings;
       DECLARE held CURSOR WITH HOLD FOR SELECT display_name FROM school_settings;
       SELECT pg_advisory_lock(${key});
       LISTEN leftover`,
    );
    const taken = await withOwnerClient((owner) =>
      owner.query<{ taken: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS taken', [key]),
    );
    expect(taken.rows[0].taken).toBe(true);
    await expectClean();
  });

  it('resets after a rollback, and after work that ended the transaction itself', async () => {
    const key = randomInt(1, 2 ** 31);
    const failed = await rejection(
      inSchool(
        db,
        a,
        `PREPARE leftover AS SELECT 1; SELECT pg_advisory_lock(${key}); SELECT 1 / 0`,
      ),
    );
    expect(pgErrorOf(failed)?.code).toBe('22012');
    await expectClean();

    // Statements after the work's own COMMIT run outside the kernel's transaction.
    await inSchool(
      db,
      a,
      `COMMIT; SET statement_timeout = 100; PREPARE leftover AS SELECT 1;
       SELECT pg_advisory_lock(${key})`,
    );
    await expectClean();
  });
});

describe('through TenantTransactions on a pool of one connection', () => {
  let t: TestApp;
  let oxford: RegisteredSchool;
  let cambridge: RegisteredSchool;
  let a: School;
  let b: School;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: '1' });
    oxford = await registerSchool(t.app, { name: 'Oxford' });
    cambridge = await registerSchool(t.app, { name: 'Cambridge' });
    [a, b] = [await schoolOf(t, oxford), await schoolOf(t, cambridge)];
  });
  afterAll(async () => {
    await t.close();
  });

  const backend = (school: School, sql = 'SELECT 1') =>
    t.app.get(TenantTransactions).run(school, async (m) => {
      await m.query(sql);
      const [row]: Array<{ pid: number }> = await m.query('SELECT pg_backend_pid() AS pid');
      return row.pid;
    });

  it('refuses Oxford a temporary profiles table, and Cambridge signs in from its own', async () => {
    const error = await rejection(
      backend(
        a,
        `CREATE TEMP TABLE profiles AS SELECT * FROM profiles;
         GRANT ALL ON pg_temp.profiles TO PUBLIC`,
      ),
    );
    expect(pgErrorOf(error)?.code).toBe(PG_INSUFFICIENT_PRIVILEGE);
    const session = await signIn(t.app, cambridge.host, cambridge.ownerUsername);
    expect(session.accessToken).toEqual(expect.any(String));
    const seen = await t.app
      .get(TenantTransactions)
      .run(b, (m) =>
        m.query(`SELECT local_username FROM profiles WHERE local_username IS NOT NULL`),
      );
    expect(seen).toEqual([{ local_username: cambridge.ownerUsername }]);
  });

  it("hands Cambridge default settings and a writable transaction after Oxford's", async () => {
    const key = randomInt(1, 2 ** 31);
    const first = await backend(
      a,
      `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;
       SELECT set_config('statement_timeout', '100', false);
       SELECT pg_advisory_lock(${key})`,
    );
    const next = await t.app.get(TenantTransactions).run(b, async (m) => {
      const [row]: Array<{ pid: number; locks: number; read_only: string }> = await m.query(
        `WITH written AS (UPDATE school_settings SET locale = locale RETURNING 1)
         SELECT pg_backend_pid() AS pid, current_setting('transaction_read_only') AS read_only,
                (SELECT count(*) FROM pg_locks
                  WHERE locktype = 'advisory' AND pid = pg_backend_pid())::int AS locks
           FROM written`,
      );
      return row;
    });
    expect(next).toEqual({ pid: first, locks: 0, read_only: 'off' });
  });

  it('answers work that caught a database error, commits nothing and still resets', async () => {
    const transactions = t.app.get(TenantTransactions);
    const answer = await transactions.run(a, async (m) => {
      await m.query(`UPDATE school_settings SET locale = 'fr'; PREPARE leftover AS SELECT 1`);
      await m.query('SELECT 1 / 0').catch(() => undefined);
      return 'answered';
    });
    expect(answer).toBe('answered');
    const [oxfordNow]: Array<{ locale: string }> = await transactions.run(a, (m) =>
      m.query('SELECT locale FROM school_settings'),
    );
    expect(oxfordNow.locale).toBe('en');
    const prepared: Array<{ count: number }> = await transactions.run(b, (m) =>
      m.query('SELECT count(*)::int AS count FROM pg_prepared_statements'),
    );
    expect(prepared).toEqual([{ count: 0 }]);
  });
});
