import { type PoolClient } from 'pg';

/**
 * The kernel sets path, role and timeout with transaction scope, but SQL inside a transaction
 * can still leave state on the session that outlives it: a plain `SET` or
 * `set_config(..., false)` (a statement timeout, a session role, read-only by default), a
 * cursor `WITH HOLD`, a prepared statement, a session advisory lock, a LISTEN. The next
 * transaction on that pooled connection may serve another school, so every tenant
 * transaction ends with this reset, in the same message as its COMMIT or ROLLBACK: no extra
 * round trip, and the connection is never handed back without it (if any statement fails,
 * the connection is destroyed instead of reused).
 *
 * Not `DISCARD ALL`: it cannot run in a transaction block, so it would need a message of its
 * own after COMMIT (behind PgBouncer, possibly on another server connection), and it also
 * throws away every cached plan. Temporary objects cannot be made at all (school roles and the
 * login have no TEMPORARY privilege, see prepare-database.ts); DISCARD TEMP stays as a cheap
 * second line should an operator grant it back.
 */
const SESSION_RESET = [
  'RESET ALL', // every setting back to its session default, statement_timeout included
  'RESET ROLE', // RESET ALL leaves the role alone
  'CLOSE ALL',
  'UNLISTEN *',
  'DEALLOCATE ALL',
  'DISCARD TEMP',
  'SELECT pg_advisory_unlock_all()',
].join('; ');

/**
 * Deferred constraint checks run first, while the school's role and path are still in force;
 * the reset is committed with the work, so both land together or neither does.
 */
export const COMMIT_TENANT_TRANSACTION = `SET CONSTRAINTS ALL IMMEDIATE; ${SESSION_RESET}; COMMIT`;

/**
 * A rollback undoes the transaction's SETs, not its prepared statements or session locks, nor
 * what ran after the work ended the transaction itself; the reset then runs on its own.
 */
export const ROLLBACK_TENANT_TRANSACTION = `ROLLBACK; ${SESSION_RESET}`;

/** Ends a tenant transaction on its connection with COMMIT and the reset, in one message. */
export function commitTenantTransaction(client: PoolClient): Promise<unknown> {
  return client.query(COMMIT_TENANT_TRANSACTION);
}

/** Ends a tenant transaction on its connection with ROLLBACK and the reset, in one message. */
export function rollbackTenantTransaction(client: PoolClient): Promise<unknown> {
  return client.query(ROLLBACK_TENANT_TRANSACTION);
}
