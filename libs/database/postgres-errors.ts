/** SQLSTATE codes the application reacts to. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_INSUFFICIENT_PRIVILEGE = '42501';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_IN_FAILED_TRANSACTION = '25P02';

interface PgErrorLike {
  code?: string;
  constraint?: string;
}

export function pgErrorOf(error: unknown): PgErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { driverError?: unknown }).driverError ?? error;
  return typeof candidate === 'object' && candidate !== null
    ? (candidate as PgErrorLike)
    : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  return (
    pg?.code === PG_UNIQUE_VIOLATION && (constraint === undefined || pg.constraint === constraint)
  );
}

export function isForeignKeyViolation(error: unknown): boolean {
  return pgErrorOf(error)?.code === PG_FOREIGN_KEY_VIOLATION;
}

/**
 * The database is down or restarting: connection refused or reset, the server shutting down
 * (class 57P), a connection lost mid-query (class 08), or the database closed to new
 * connections for maintenance (ALTER DATABASE ... ALLOW_CONNECTIONS false). Answered 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pg = pgErrorOf(error);
  const code = pg?.code ?? '';
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|is not currently accepting connections/i.test(
    message,
  );
}
