import { type CpuPerRequest } from './cpu';

/** How the summary table writes figures, shared by every benchmark's rows. */
export const rps = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
export const ms = (value: number) => `${value} ms`;

/** Two arms' CPU per request, or nothing when /proc could not tell for either. */
export function cpuText(a: CpuPerRequest | undefined, b: CpuPerRequest | undefined): string {
  if (!a || !b) return '';
  return `; CPU/request API ${a.apiUs} vs ${b.apiUs} µs, PostgreSQL ${a.postgresUs} vs ${b.postgresUs} µs`;
}
