import { AUDITED_TABLES } from '../../migrations/tenant/1763900001100-AuditTrail';
/**
 * What Citus schema-based sharding (Citus 12.1+) accepts, as rules the Citus-readiness suite
 * checks our migrations and a provisioned school's catalog against. We cannot run Citus here,
 * so each rule names where its fact comes from; docs/SCALE-OUT.md says which were read in
 * Citus's own source and documentation and which are relied on without a run.
 */

/** Which migrations a rule reads: `migrations/tenant` (every school) or `migrations/public`. */
export type MigrationScope = 'tenant' | 'public';

/** A construct Citus refuses in a distributed schema, or that we refuse until someone checks it. */
export interface ForbiddenUse {
  feature: string;
  scope: MigrationScope;
  pattern: RegExp;
  why: string;
}

/**
 * A construct the migrations do use that Citus accepts only with a setting (`setting`), or
 * accepts with a behaviour that differs from one server (`setting` null, `caveat` says how).
 * `files` are the migrations allowed to use it: a new use elsewhere fails until it is added
 * here and to docs/SCALE-OUT.md, which must name the feature and its setting.
 */
export interface Allowance {
  feature: string;
  scope: MigrationScope;
  pattern: RegExp;
  setting: string | null;
  caveat: string;
  files: readonly string[];
}

export const FORBIDDEN: readonly ForbiddenUse[] = [
  {
    feature: 'sequence-backed column (serial)',
    scope: 'tenant',
    pattern: /\b(?:small|big)?serial\b/i,
    why: 'school keys are uuid: a sequence lives apart from the school, and Citus hands out only bigint sequence ranges per node',
  },
  {
    feature: 'identity column',
    scope: 'tenant',
    pattern: /\bgenerated\s+(?:always|by\s+default)\s+as\s+identity\b/i,
    why: 'Citus: identity columns other than bigint cannot be written from workers; a school keys nothing on a counter',
  },
  {
    feature: 'sequence',
    scope: 'tenant',
    pattern: /\b(?:create\s+sequence|nextval\s*\()/i,
    why: 'a school table keeps no counter outside its rows',
  },
  {
    feature: 'schema-qualified reference',
    scope: 'tenant',
    pattern: /\breferences\s+"?[a-z_][a-z0-9_]*"?\s*\.\s*"?[a-z_]/i,
    why: 'a foreign key to another schema stops the schema from moving whole (invariant 6)',
  },
  {
    feature: 'object of public used by a school table',
    scope: 'tenant',
    pattern: /\bpublic\s*\.\s*[a-z_]/i,
    why: 'a school schema must not depend on anything outside it: it moves to a worker alone',
  },
  {
    feature: 'table inheritance',
    scope: 'tenant',
    pattern: /\binherits\s*\(/i,
    why: 'Citus: tables in a distributed schema cannot inherit or be inherited',
  },
  {
    feature: 'foreign table',
    scope: 'tenant',
    pattern: /\bcreate\s+foreign\s+table\b/i,
    why: 'Citus: cannot create a foreign table in a distributed schema',
  },
  {
    feature: 'rule',
    scope: 'tenant',
    pattern: /\bcreate\s+(?:or\s+replace\s+)?rule\b/i,
    why: 'Citus documentation: the rule system is not supported',
  },
  {
    feature: 'extension',
    scope: 'tenant',
    pattern: /\bcreate\s+extension\b/i,
    why: 'Citus refuses to distribute a schema that holds or belongs to an extension',
  },
  {
    feature: 'materialized view',
    scope: 'tenant',
    pattern: /\bcreate\s+materialized\s+view\b/i,
    why: 'not checked against Citus: refused until someone does',
  },
  {
    feature: 'partitioned table',
    scope: 'tenant',
    pattern: /\bpartition\s+(?:by|of)\b/i,
    why: 'Citus allows it within one schema only; not used, so refused until someone checks it',
  },
];

export const ALLOWANCES: readonly Allowance[] = [
  {
    feature: 'trigger on a school table',
    scope: 'tenant',
    pattern: /\bcreate\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\b/i,
    setting: 'citus.enable_unsafe_triggers',
    caveat:
      'Citus refuses triggers on distributed tables unless this setting is on; the trigger is copied to the shard and fires on the node that holds the school',
    files: [
      '1763900000300-RolesAndPermissions.ts',
      '1763900000900-Fees.ts',
      '1763900001000-Communication.ts',
      '1763900001100-AuditTrail.ts',
    ],
  },
  {
    feature: 'NOTIFY from a school table',
    scope: 'tenant',
    pattern: /\b(?:pg_notify\s*\(|notify\s+[a-z_])/i,
    setting: null,
    caveat:
      'the trigger runs on the worker that holds the school, so the notice is heard by listeners on that worker, not on the coordinator the API listens to',
    files: ['1763900000300-RolesAndPermissions.ts', '1763900001000-Communication.ts'],
  },
  {
    feature: 'dynamic SQL over school schemas in a public migration',
    scope: 'public',
    pattern: /\bexecute\s+format\s*\(/i,
    setting: null,
    caveat:
      'the backfill runs once, on the coordinator, reading each distributed schema and writing a coordinator table',
    files: ['1763900000500-PortalAccounts.ts'],
  },
];

/**
 * Triggers a provisioned school's tables may carry (by name), each covered by the allowance
 * named here. The catalog is checked against this list, so a trigger made outside the
 * migrations' text (or renamed) fails too.
 */
export const SCHOOL_TRIGGERS: Readonly<Record<string, string>> = {
  roles_access_changed: 'trigger on a school table',
  role_permissions_access_changed: 'trigger on a school table',
  user_roles_access_changed: 'trigger on a school table',
  students_withdrawn_void_invoices: 'trigger on a school table',
  notifications_announce: 'trigger on a school table',
  // The audit trail: three statement-level triggers per audited table.
  ...Object.fromEntries(
    AUDITED_TABLES.flatMap(([table]) =>
      ['insert', 'update', 'delete'].map((op) => [
        `${table}_audit_${op}`,
        'trigger on a school table',
      ]),
    ),
  ),
};

/**
 * SECURITY DEFINER functions of `public`. A school's transaction calls them to touch platform
 * rows it may not read itself; every one must run on the coordinator (docs/SCALE-OUT.md), so
 * each is called alone in its statement and reaches only `public`.
 */
export const PUBLIC_SECURITY_DEFINER = [
  'accept_account_link',
  'calling_school',
  'create_school_accounts',
  'end_school_access',
  'invite_account_links',
  'reset_school_account_password',
  'retire_school_account',
  'school_accounts',
  'school_by_host',
  'school_sms_quota',
  'school_subscription',
  'set_school_cors_origins',
  'unlink_school_accounts',
  'withdraw_link_invitations',
] as const;

/**
 * SECURITY DEFINER functions of a school's own schema. Each reaches only that schema (its path
 * pinned to it), is executable by the school's role alone and is called alone in its
 * statement, so wherever Citus runs it, it needs nothing from the coordinator
 * (docs/SCALE-OUT.md, "The school's own SECURITY DEFINER function").
 */
export const SCHOOL_SECURITY_DEFINER = ['audit_pseudonymise_student'] as const;

/**
 * Statements (file: function) that call one of those functions beside a school's tables, in
 * one statement. Citus may send such a statement whole to the worker holding the school, where
 * the function would run without the coordinator's `role` setting (docs/SCALE-OUT.md,
 * "SECURITY DEFINER function beside school tables"). None is left; a new one fails the test.
 */
export const MIXED_STATEMENTS: readonly string[] = [];

/** Statement text without SQL and TypeScript comments, which talk about what the SQL avoids. */
export function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/^\s*\/\/.*$/gm, ' ')
    .replace(/--.*$/gm, ' ');
}

/** The features of `rules` that `text` (comments removed) uses. */
export function featuresUsed(
  text: string,
  rules: ReadonlyArray<{ feature: string; pattern: RegExp }>,
): string[] {
  const code = withoutComments(text);
  return rules.filter((rule) => rule.pattern.test(code)).map((rule) => rule.feature);
}
