/**
 * Connections the CLI's owner pool may open: the ceiling of `tenants migrate --concurrency`.
 * Each school migrates on a connection of its own, and DDL is mostly server CPU, so more
 * than a few per server core buys nothing (the fleet benchmark measures it).
 */
export const CLI_OWNER_POOL_SIZE = 16;
