import { cpuText, ms, rps } from './format';
import { type InstancesResult } from './instances';
import { type SummaryRow } from './report';

/**
 * Two instances over one, per route, and (with Redis) what shared limits cost on top. No
 * target: on a machine whose cores the servers, PostgreSQL and the load generator all share,
 * a second instance cannot add a core, so the ratio says what the machine allows, not the code.
 */
export function instancesRows({
  cores,
  split,
  connections,
  school,
  students,
  sharedLimits,
}: InstancesResult): SummaryRow[] {
  const pair = (a: { requestsPerSecond: number; p99Ms: number }, b: typeof a) =>
    `${rps(a.requestsPerSecond)} vs ${rps(b.requestsPerSecond)}, p99 ${ms(a.p99Ms)} vs ${ms(b.p99Ms)}`;
  const rows: SummaryRow[] = [school, students].map((route) => ({
    line: `${route.path}: two instances (${split.join(' + ')} connections) vs one (${connections}), ${cores} cores`,
    measured:
      pair(route.median.two, route.median.one) +
      cpuText(route.cpuPerRequest?.two, route.cpuPerRequest?.one),
    ratio: String(route.medianRatio),
    target: '',
    status: '',
  }));
  for (const route of sharedLimits ? [sharedLimits.school, sharedLimits.students] : []) {
    rows.push({
      line: `${route.path}: two instances, rate limits on with REDIS_URL, vs limits off`,
      measured:
        pair(route.median.shared, route.median.two) +
        cpuText(route.cpuPerRequest?.shared, route.cpuPerRequest?.two),
      ratio: String(route.medianRatio),
      target: '',
      status: '',
    });
  }
  return rows;
}
