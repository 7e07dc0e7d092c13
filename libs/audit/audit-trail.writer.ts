import { execute, selectRows } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

/**
 * Application events of a school's audit trail: what no row change shows (a sign-in, a
 * portal activation, a password reset, a deactivation, a credential slip printed). Row changes
 * are recorded by the database's own trigger (migrations/tenant AuditTrail); both land in the
 * school's `audit_events`.
 */
export interface SchoolAuditEvent {
  /** What happened, in the past tense: signed_in, activated, password_reset, ... */
  action: string;
  /** What it happened to: account, profile, student, credential_slip, ... */
  entityType: string;
  entityId?: string | null;
  /** The person the entry is about (their profile here), for their history. */
  personId?: string | null;
  /**
   * The account that acted, where the request's caller is not it (a sign-in is made by the
   * account signing in, before any token exists). Otherwise the transaction's actor setting.
   */
  actorAccountId?: string | null;
  details?: Record<string, unknown>;
}

/** Only in a school's transaction (its path and role): the row goes to that school's trail. */
export async function recordSchoolEvent(
  manager: EntityManager,
  event: SchoolAuditEvent,
): Promise<void> {
  await execute(
    manager,
    `INSERT INTO audit_events (actor_account_id, actor_profile_id, request_id, client_address,
                               action, entity_type, entity_id, person_id, details)
     SELECT a.actor,
            CASE WHEN $1::uuid IS NULL THEN audit_actor_profile(a.actor)
                 ELSE (SELECT p.id FROM profiles p WHERE p.user_id = a.actor
                        ORDER BY p.created_at LIMIT 1) END,
            nullif(current_setting('schoolyard.request_id', true), ''),
            nullif(current_setting('schoolyard.client', true), ''),
            $2, $3, $4, $5, $6::jsonb
       FROM (SELECT coalesce($1::uuid, nullif(current_setting('schoolyard.actor', true), '')::uuid)
                    AS actor) a`,
    [
      event.actorAccountId ?? null,
      event.action,
      event.entityType,
      event.entityId ?? null,
      event.personId ?? null,
      event.details ? JSON.stringify(withoutSecrets(event.details)) : null,
    ],
  );
}

/**
 * Several events in one statement (a batch activation's people): one round trip whatever the
 * count. With no events the statement still runs and inserts nothing, so a caller that must do
 * the same work either way (sign-in, for an unknown name) can rely on it.
 */
export async function recordSchoolEvents(
  manager: EntityManager,
  events: readonly SchoolAuditEvent[],
): Promise<void> {
  const rows = events.map((event) => ({
    actor_account_id: event.actorAccountId ?? null,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId ?? null,
    person_id: event.personId ?? null,
    details: event.details ? withoutSecrets(event.details) : null,
  }));
  await execute(
    manager,
    `WITH setting AS (
       SELECT nullif(current_setting('schoolyard.actor', true), '')::uuid AS actor,
              nullif(current_setting('schoolyard.request_id', true), '') AS request_id,
              nullif(current_setting('schoolyard.client', true), '') AS client
     ), event AS (
       SELECT e.*, coalesce(e.actor_account_id, s.actor) AS actor, s.request_id, s.client,
              e.actor_account_id IS NULL AS from_setting
         FROM jsonb_to_recordset($1::jsonb)
              AS e(actor_account_id uuid, action text, entity_type text, entity_id text,
                   person_id uuid, details jsonb)
        CROSS JOIN setting s
     )
     INSERT INTO audit_events (actor_account_id, actor_profile_id, request_id, client_address,
                               action, entity_type, entity_id, person_id, details)
     SELECT e.actor,
            CASE WHEN e.from_setting THEN audit_actor_profile(e.actor)
                 ELSE (SELECT p.id FROM profiles p WHERE p.user_id = e.actor
                        ORDER BY p.created_at LIMIT 1) END,
            e.request_id, e.client, e.action, e.entity_type, e.entity_id, e.person_id, e.details
       FROM event e`,
    [JSON.stringify(rows)],
  );
}

/**
 * What maintainers and the platform did: CLI lifecycle commands, fleet migrations, backups and
 * restores, platform payments. In `public.platform_audit_events`, through the owner account
 * (CLI, fleet jobs) or the platform role (requests), which may insert and nothing more.
 */
export interface PlatformAuditEvent {
  /** 'cli:<operating-system user>', 'job:<queue>' or 'account:<uuid>'. */
  actor: string;
  action: string;
  organizationId?: string | null;
  schoolSlug?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordPlatformEvent(
  manager: EntityManager,
  event: PlatformAuditEvent,
): Promise<void> {
  await execute(
    manager,
    `INSERT INTO public.platform_audit_events
       (actor, action, organization_id, school_slug, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [
      event.actor,
      event.action,
      event.organizationId ?? null,
      event.schoolSlug ?? null,
      event.requestId ?? null,
      JSON.stringify(withoutSecrets(event.details ?? {})),
    ],
  );
}

/**
 * A key naming a secret, compared without case: anywhere in the key for the long words, and
 * `otp`/`pin` only as a whole word part (`pin`, `pinCode`, `login_otp`, not `shipping`).
 */
const SECRET_WORDS = /(password|token|secret|hash|signature|api_?key|credential|sealed)/i;

export function isSecretKey(key: string): boolean {
  if (SECRET_WORDS.test(key)) return true;
  // Word parts: split camelCase and separators, then look for a whole `otp` or `pin`.
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.toLowerCase());
  return parts.includes('otp') || parts.includes('pin');
}

/** The details without secret-named keys, at any depth (objects inside objects and arrays). */
export function withoutSecrets<T>(details: T): T {
  if (Array.isArray(details)) return details.map((item: unknown) => withoutSecrets(item)) as T;
  if (details === null || typeof details !== 'object' || details instanceof Date) return details;
  return Object.fromEntries(
    Object.entries(details)
      .filter(([key]) => !isSecretKey(key))
      .map(([key, value]) => [key, withoutSecrets(value)]),
  ) as T;
}

/**
 * After a student's purge, in the same transaction: their entries keep what happened but no
 * longer say who it happened to (one fresh pseudonym for the student's id; personal fields
 * '[removed]'). The school's role may not change audit rows, so a SECURITY DEFINER function
 * of the school's schema does it, refusing a student who still exists. Called alone in its
 * statement. `accountId` is the student's account (null if never activated): entries it made
 * here lose it. Answers the entries it changed.
 */
export async function pseudonymiseStudentTrail(
  manager: EntityManager,
  studentId: string,
  accountId: string | null,
): Promise<number> {
  const [row] = await selectRows<{ changed: number }>(
    manager,
    `SELECT audit_pseudonymise_student($1, $2) AS changed`,
    [studentId, accountId],
  );
  return row.changed;
}
