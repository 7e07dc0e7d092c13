import { load, type LoadFigures, type LoadSpec } from './harness';

/**
 * A total of connections shared out over `parts` targets as evenly as whole connections
 * allow (the first ones take the remainder), so "two instances" sends the same load as "one".
 */
export function splitConnections(total: number, parts: number): number[] {
  if (!Number.isInteger(parts) || parts < 1)
    throw new Error('parts must be a positive whole number');
  if (!Number.isInteger(total) || total < parts)
    throw new Error(`${total} connections cannot be shared out over ${parts} targets`);
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

/**
 * Runs that went on at the same time, as one: their requests per second add up. autocannon
 * reports percentiles, not the histogram, so the p99 of the whole cannot be recomputed; the
 * slowest run's p99 is quoted, which is at least the whole's.
 */
export function sumLoads(runs: readonly LoadFigures[]): LoadFigures {
  if (runs.length === 0) throw new Error('no runs to add up');
  const counted = runs.every((run) => run.requests !== undefined);
  return {
    requestsPerSecond: runs.reduce((sum, run) => sum + run.requestsPerSecond, 0),
    p99Ms: Math.max(...runs.map((run) => run.p99Ms)),
    ...(counted ? { requests: runs.reduce((sum, run) => sum + (run.requests ?? 0), 0) } : {}),
  };
}

/**
 * The same load spread over several servers: one autocannon run per port, all at once, with
 * `spec.connections` shared out between them, added up as one run.
 */
export async function loadAcross(ports: readonly number[], spec: LoadSpec): Promise<LoadFigures> {
  const connections = splitConnections(spec.connections, ports.length);
  const runs = await Promise.all(
    ports.map((port, i) => load(port, { ...spec, connections: connections[i] })),
  );
  return sumLoads(runs);
}
