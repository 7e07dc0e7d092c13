import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Client } from 'pg';
import {
  ALLOWANCES,
  type Allowance,
  FORBIDDEN,
  featuresUsed,
  type MigrationScope,
  MIXED_STATEMENTS,
  PUBLIC_SECURITY_DEFINER,
  SCHOOL_SECURITY_DEFINER,
  SCHOOL_TRIGGERS,
} from '../support/citus-rules';
import { createMediumTier, type MediumTier, type TestSchool } from '../support/medium';
import { testDatabaseUrl } from '../support/test-app';

/**
 * Invariant 6 and the Citus plan (docs/SCALE-OUT.md), checked: a freshly provisioned school's
 * catalog has nothing schema-based sharding refuses, and the migrations use nothing Citus
 * accepts only with a setting unless that use is listed, with its setting, in
 * test/support/citus-rules.ts. Each catalog check first runs against a schema built to break
 * it (rolled back), so a check that can no longer find anything fails.
 */
const root = process.cwd();
let tier: MediumTier;
let school: TestSchool;
let owner: Client;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  owner = new Client({ connectionString: testDatabaseUrl() });
  await owner.connect();
});

afterAll(async () => {
  await owner?.end();
  await tier?.close();
});

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await owner.query<T & Record<string, unknown>>(sql, params)).rows;
}

/** Foreign keys between `schema` and any other schema, in either direction. */
const CROSSING_KEYS = `
  SELECT c.conname AS name, a.oid::regclass::text AS "from", b.oid::regclass::text AS "to"
    FROM pg_constraint c JOIN pg_class a ON a.oid = c.conrelid JOIN pg_class b ON b.oid = c.confrelid
   WHERE c.contype = 'f' AND a.relnamespace <> b.relnamespace
     AND $1::regnamespace IN (a.relnamespace, b.relnamespace)
   ORDER BY 1`;

/** Sequences, identity columns and nextval() defaults in `schema`. */
const SEQUENCE_KEYS = `
  SELECT 'sequence ' || c.relname AS what FROM pg_class c
   WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'S'
  UNION ALL
  SELECT 'identity ' || c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = $1::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped
  UNION ALL
  SELECT 'nextval default ' || c.relname FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
   WHERE c.relnamespace = $1::regnamespace AND pg_get_expr(d.adbin, d.adrelid) ~* 'nextval\\s*\\('
  ORDER BY 1`;

/** Relations Citus would not take as plain tenant tables, and inheritance either way. */
const OTHER_RELATIONS = `
  SELECT c.relname || ' (' || c.relkind::text || ')' AS what FROM pg_class c
   WHERE c.relnamespace = $1::regnamespace AND c.relkind NOT IN ('r', 'i', 'S')
  UNION ALL
  SELECT 'inherits ' || i.inhrelid::regclass::text FROM pg_inherits i
    JOIN pg_class a ON a.oid = i.inhrelid JOIN pg_class b ON b.oid = i.inhparent
   WHERE $1::regnamespace IN (a.relnamespace, b.relnamespace)
  ORDER BY 1`;

/** Triggers made by users (not those PostgreSQL makes for foreign keys) on `schema`'s tables. */
const TRIGGERS = `
  SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal ORDER BY 1`;

describe("a freshly provisioned school's catalog", () => {
  it('finds what it looks for in a schema built to break every rule', async () => {
    await owner.query('BEGIN');
    try {
      await owner.query(`
        CREATE SCHEMA citus_canary;
        CREATE TABLE citus_canary.t (n serial PRIMARY KEY, i int GENERATED ALWAYS AS IDENTITY,
          account uuid REFERENCES public.users (id));
        CREATE VIEW citus_canary.v AS SELECT n FROM citus_canary.t;
        CREATE TABLE citus_canary.child () INHERITS (citus_canary.t);
        CREATE FUNCTION citus_canary.f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
        CREATE TRIGGER canary_fires AFTER INSERT ON citus_canary.t EXECUTE FUNCTION citus_canary.f()`);
      const canary = ['citus_canary'];
      expect(await rows(CROSSING_KEYS, canary)).toHaveLength(1);
      expect(await rows(SEQUENCE_KEYS, canary)).toEqual(
        expect.arrayContaining([{ what: 'sequence t_n_seq' }, { what: 'identity t.i' }]),
      );
      expect(await rows(OTHER_RELATIONS, canary)).toEqual(
        expect.arrayContaining([{ what: 'v (v)' }, { what: 'inherits citus_canary.child' }]),
      );
      expect(await rows(TRIGGERS, canary)).toEqual([{ name: 'canary_fires' }]);
    } finally {
      await owner.query('ROLLBACK');
    }
  });

  it('has no foreign key leaving the schema or entering it (invariant 6)', async () => {
    expect(await rows(CROSSING_KEYS, [school.schemaName])).toEqual([]);
  });

  it('has no public table referring into any school schema', async () => {
    const into = await rows(
      `SELECT c.conname FROM pg_constraint c JOIN pg_class b ON b.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = b.relnamespace
        WHERE c.contype = 'f' AND n.nspname IN (SELECT schema_name FROM public.organizations)
          AND c.connamespace <> b.relnamespace`,
    );
    expect(into).toEqual([]);
  });

  it('keys nothing on a sequence: no serial, identity or nextval() default', async () => {
    expect(await rows(SEQUENCE_KEYS, [school.schemaName])).toEqual([]);
  });

  it('holds only plain tables and indexes, none inheriting', async () => {
    expect(await rows(OTHER_RELATIONS, [school.schemaName])).toEqual([]);
  });

  it('gives every table a primary key, so citus_schema_move can copy it while it is written', async () => {
    const keyless = await rows(
      `SELECT c.relname FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')`,
      [school.schemaName],
    );
    expect(keyless).toEqual([]);
  });

  it('has every table owned by the owner account, which citus_schema_distribute requires', async () => {
    const owners = await rows<{ owner: string; me: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner, current_user AS me FROM pg_class c
        WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r'`,
      [school.schemaName],
    );
    expect(owners).toHaveLength(1);
    expect(owners[0].owner).toBe(owners[0].me);
  });

  it('carries only the triggers listed, each under an allowance with its setting', async () => {
    const found = (await rows<{ name: string }>(TRIGGERS, [school.schemaName])).map((t) => t.name);
    expect(found).toEqual(Object.keys(SCHOOL_TRIGGERS).sort());
    const features = new Set(ALLOWANCES.map((allowance) => allowance.feature));
    for (const feature of Object.values(SCHOOL_TRIGGERS)) expect(features).toContain(feature);
  });
});

describe('SECURITY DEFINER functions of public', () => {
  const names = [...PUBLIC_SECURITY_DEFINER];

  it('are exactly the listed ones, with a fixed path and no dynamic SQL', async () => {
    const found = await rows<{ name: string; body: string; config: string[] | null }>(
      `SELECT p.proname AS name, p.prosrc AS body, p.proconfig AS config FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1`,
    );
    expect(found.map((fn) => fn.name)).toEqual(names);
    for (const fn of found) {
      expect({ fn: fn.name, config: fn.config }).toEqual({
        fn: fn.name,
        config: ['search_path=pg_catalog, public, pg_temp'],
      });
      expect({ fn: fn.name, dynamic: /\bexecute\b/i.test(fn.body) }).toEqual({
        fn: fn.name,
        dynamic: false,
      });
    }
  });

  it('name no schema but public and pg_catalog, so they reach no school schema', async () => {
    const schemas = await rows<{ name: string }>(`SELECT nspname AS name FROM pg_namespace`);
    const others = new Set(
      schemas.map((s) => s.name).filter((s) => s !== 'public' && s !== 'pg_catalog'),
    );
    const found = await rows<{ name: string; body: string }>(
      `SELECT p.proname AS name, p.prosrc AS body FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef`,
    );
    for (const fn of found) {
      const qualifiers = [...fn.body.matchAll(/([a-z_][a-z0-9_]*)\s*\.\s*[a-z_"]/gi)].map((m) =>
        m[1].toLowerCase(),
      );
      expect({ fn: fn.name, reaches: qualifiers.filter((q) => others.has(q)) }).toEqual({
        fn: fn.name,
        reaches: [],
      });
    }
    // A school schema is among the names looked for, so a qualified one would be seen.
    expect(others.has(school.schemaName)).toBe(true);
  });

  it('are called alone in their statement, unless the statement is listed', () => {
    const calls = ['apps', 'libs'].flatMap((top) =>
      sourceFiles(join(root, top)).flatMap((file) =>
        sqlLiterals(readFileSync(file, 'utf8')).flatMap((sql) =>
          [...sql.matchAll(/\bpublic\.(\w+)\(/g)]
            .filter((m) => names.includes(m[1] as (typeof names)[number]))
            .filter(() => !/^\s*(?:grant|revoke)\b/i.test(sql))
            .map((m) => ({
              where: `${relative(root, file).split(sep).join('/')}: ${m[1]}`,
              sql: sql.replace(/\s+/g, ' ').trim(),
            })),
        ),
      ),
    );
    // Every one is found (calling_school is called only by the others, in SQL).
    const called = new Set(calls.map((call) => call.where.split(': ')[1]));
    expect(names.filter((name) => !called.has(name))).toEqual(['calling_school']);
    const alone = /^SELECT (?:[\w*]+(?:, \w+)* FROM )?public\.\w+\([^()]*\)(?: AS \w+)?$/;
    const mixed = calls.filter((call) => !alone.test(call.sql)).map((call) => call.where);
    expect(mixed.sort()).toEqual([...MIXED_STATEMENTS].sort());
  });
});

describe("SECURITY DEFINER functions of a school's schema", () => {
  it('are exactly the listed ones, with the school as their path, executable by its role alone', async () => {
    const query = `SELECT p.proname AS name, p.proconfig AS config, p.proacl::text[] AS acl
                     FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND p.prosecdef
                    ORDER BY 1`;
    // First against a definer function added to break the rule (rolled back): it is seen.
    await owner.query('BEGIN');
    try {
      await owner.query(
        `CREATE FUNCTION "${school.schemaName}".zz_definer() RETURNS int
           LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`,
      );
      const broken = await rows<{ name: string; config: string[] | null; acl: string[] | null }>(
        query,
        [school.schemaName],
      );
      expect(broken.find((fn) => fn.name === 'zz_definer')).toEqual({
        name: 'zz_definer',
        config: null,
        acl: null,
      });
    } finally {
      await owner.query('ROLLBACK');
    }
    const found = await rows<{ name: string; config: string[] | null; acl: string[] }>(query, [
      school.schemaName,
    ]);
    expect(found.map((fn) => fn.name)).toEqual([...SCHOOL_SECURITY_DEFINER]);
    const [{ owner: schemaOwner }] = await rows<{ owner: string }>(
      `SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = $1`,
      [school.schemaName],
    );
    for (const fn of found) {
      expect({ fn: fn.name, config: fn.config }).toEqual({
        fn: fn.name,
        config: [`search_path=${school.schemaName}, pg_temp`],
      });
      // The owner's own entry and the school role's; no "=X/…" entry for PUBLIC.
      const grantees = fn.acl.map((entry) => entry.split('=')[0].replace(/"/g, '')).sort();
      expect({ fn: fn.name, grantees }).toEqual({
        fn: fn.name,
        grantees: [schemaOwner, school.dbRole].sort(),
      });
    }
  });

  it('are called alone in their statement', () => {
    const calls = ['apps', 'libs'].flatMap((top) =>
      sourceFiles(join(root, top)).flatMap((file) =>
        sqlLiterals(readFileSync(file, 'utf8')).flatMap((sql) =>
          SCHOOL_SECURITY_DEFINER.filter((name) => new RegExp(`\\b${name}\\(`).test(sql)).map(
            (name) => ({ name, sql: sql.replace(/\s+/g, ' ').trim() }),
          ),
        ),
      ),
    );
    expect(calls.map((call) => call.name).sort()).toEqual([...SCHOOL_SECURITY_DEFINER].sort());
    for (const call of calls) {
      // Parameters only (no other table or function in the statement).
      expect(call.sql).toMatch(
        new RegExp(`^SELECT ${call.name}\\(\\$1(?:, \\$\\d+)*\\)(?: AS \\w+)?$`),
      );
    }
  });
});

describe('the migrations', () => {
  const migrations = (scope: MigrationScope) =>
    readdirSync(join(root, 'migrations', scope))
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
      .map((name) => ({ name, text: readFileSync(join(root, 'migrations', scope, name), 'utf8') }));

  it('catch what they look for in a migration that breaks every rule', () => {
    const bad = `CREATE TABLE t (id bigserial PRIMARY KEY, u uuid REFERENCES public.users (id))
      INHERITS (p); CREATE RULE r AS ON INSERT TO t DO NOTHING; CREATE TRIGGER x AFTER INSERT ON t
      EXECUTE FUNCTION f(); SELECT pg_notify('c', ''); -- bigserial in a comment is not a use`;
    const found = featuresUsed(bad, FORBIDDEN);
    expect(found).toEqual(
      expect.arrayContaining([
        'sequence-backed column (serial)',
        'schema-qualified reference',
        'table inheritance',
        'rule',
      ]),
    );
    expect(featuresUsed(bad, ALLOWANCES)).toEqual([
      'trigger on a school table',
      'NOTIFY from a school table',
    ]);
    expect(featuresUsed('-- CREATE SEQUENCE s', FORBIDDEN)).toEqual([]);
  });

  it.each<MigrationScope>(['tenant'])('of %s use nothing Citus refuses', (scope) => {
    const rules = FORBIDDEN.filter((rule) => rule.scope === scope);
    const uses = migrations(scope).flatMap(({ name, text }) =>
      featuresUsed(text, rules).map((feature) => `${name}: ${feature}`),
    );
    expect(uses).toEqual([]);
  });

  it.each<MigrationScope>(['tenant', 'public'])(
    'of %s use a conditional feature only where it is listed, and every listing is used',
    (scope) => {
      const rules = ALLOWANCES.filter((allowance) => allowance.scope === scope);
      const uses = migrations(scope).flatMap(({ name, text }) =>
        featuresUsed(text, rules).map((feature) => `${feature} in ${name}`),
      );
      const listed = rules.flatMap((rule: Allowance) =>
        rule.files.map((file) => `${rule.feature} in ${file}`),
      );
      expect(uses.sort()).toEqual(listed.sort());
    },
  );

  it('have every setting and caveat they rely on documented in docs/SCALE-OUT.md', () => {
    const doc = readFileSync(join(root, 'docs', 'SCALE-OUT.md'), 'utf8');
    for (const allowance of ALLOWANCES) {
      expect({ feature: allowance.feature, documented: doc.includes(allowance.feature) }).toEqual({
        feature: allowance.feature,
        documented: true,
      });
      if (allowance.setting) expect(doc).toContain(`\`${allowance.setting}\``);
    }
    expect(doc).toContain('SECURITY DEFINER function beside school tables');
  });
});

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Template literals, then single-quoted strings outside them (SQL quotes its own text with '). */
function sqlLiterals(source: string): string[] {
  const templates = [...source.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
  const rest = source.replace(/`[^`]*`/g, ' ');
  const quoted = [...rest.matchAll(/'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1]);
  return [...templates, ...quoted];
}
