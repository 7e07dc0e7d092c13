import { type BuildsResult } from './builds';
import { type CeilingResult } from './ceiling';
import { type NoisyNeighbourResult } from './noisy-neighbour';
import { cpuText, ms, rps } from './format';
import { type FleetResult } from './fleet';
import { type InstancesResult } from './instances';
import { instancesRows } from './instances-report';
import { type ArmRatio, type IsolationResult } from './isolation';
import { type LoginResult } from './logins';
import { type PermissionResult } from './permissions';
import { type ProvisioningComparison, type ProvisioningResult } from './provisioning';

export interface BenchResults {
  isolation?: IsolationResult;
  ceiling?: CeilingResult | null;
  fleet?: FleetResult;
  /** Registrations alone (the `provisioning` benchmark); `fleet` holds its own. */
  provisioning?: ProvisioningComparison;
  logins?: LoginResult;
  permissions?: PermissionResult;
  noisyNeighbour?: NoisyNeighbourResult;
  builds?: BuildsResult;
  instances?: InstancesResult;
}

export type Status = 'met' | 'missed' | '';

export interface SummaryRow {
  line: string;
  measured: string;
  ratio: string;
  target: string;
  status: Status;
}

const judge = (ok: boolean): Status => (ok ? 'met' : 'missed');

/** Registration targets: p50 at most 150 ms, the last registrations no slower than 1.2x the first. */
export const PROVISIONING_P50_TARGET_MS = 150;
export const PROVISIONING_FLATNESS_TARGET = 1.2;

const ownerMemory = ({ ownerBackends }: ProvisioningResult) =>
  ownerBackends
    ? `; owner backends ${ownerBackends.privateMiB} MiB private (${ownerBackends.backends})`
    : '';

/** Line 3: registration latency, and whether it stays flat as schools accumulate. */
function provisioningRows(provisioning: ProvisioningResult): SummaryRow[] {
  const { flatness, catalogPerSchool, versusFresh } = provisioning;
  return [
    {
      line: `3. registration over ${provisioning.schools.toLocaleString('en-US')} schools`,
      measured:
        `p50 ${ms(provisioning.p50Ms)}, p95 ${ms(provisioning.p95Ms)}, max ${ms(provisioning.maxMs)}; ` +
        `${provisioning.msPerRelation} ms per relation; ` +
        `catalog ${catalogPerSchool.relations} relations, ${catalogPerSchool.kiB} KiB per school`,
      ratio: '',
      target: `p50 <= ${PROVISIONING_P50_TARGET_MS} ms`,
      status: judge(provisioning.p50Ms <= PROVISIONING_P50_TARGET_MS),
    },
    {
      line: `3. registration p50, last ${flatness.window} vs first ${flatness.window}`,
      measured: `${ms(flatness.lastP50Ms)} vs ${ms(flatness.firstP50Ms)}${ownerMemory(provisioning)}`,
      ratio: String(flatness.ratio),
      target: `<= ${PROVISIONING_FLATNESS_TARGET}`,
      status: judge(flatness.ratio <= PROVISIONING_FLATNESS_TARGET),
    },
    ...(versusFresh
      ? [
          {
            line: `3. the last ${versusFresh.window} vs as many by a new API process, taking turns`,
            measured: `${ms(versusFresh.longLivedP50Ms)} vs ${ms(versusFresh.freshP50Ms)}`,
            ratio: String(versusFresh.ratio),
            target: '',
            status: '' as const,
          },
        ]
      : []),
  ];
}

/**
 * This build over another must not fall; a run of one build against itself moves by a few
 * per cent either way on a shared machine, so only a larger drop is called a fall.
 */
export const BUILDS_RATIO_TARGET = 0.95;

/** The request path on this build and on another, one line per route. */
function buildsRows({ commits, school, students }: BuildsResult): SummaryRow[] {
  return [school, students].map((route) => {
    const { this: ours, other } = route.median;
    return {
      line: `${route.path}: this build (${commits.this}) vs ${commits.other}`,
      measured:
        `${rps(ours.requestsPerSecond)} vs ${rps(other.requestsPerSecond)}, p99 ${ms(ours.p99Ms)} vs ${ms(other.p99Ms)}` +
        cpuText(route.cpuPerRequest?.this, route.cpuPerRequest?.other) +
        (route.sameAnswer ? '' : '; the builds answer differently'),
      ratio: String(route.medianRatio),
      target: `>= ${BUILDS_RATIO_TARGET}`,
      status: judge(route.medianRatio >= BUILDS_RATIO_TARGET),
    };
  });
}

/** One line per figure of the issue, with its target and whether this run met it. */
export function summaryRows(results: BenchResults): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const { isolation, ceiling, fleet, logins, permissions, noisyNeighbour } = results;
  if (noisyNeighbour) {
    const { shipped, unheld, unshared, holdMs, poolSize, schoolShare } = noisyNeighbour;
    const text = (v: typeof shipped) =>
      `${ms(v.medianDuringFloodP99Ms)} vs ${ms(v.medianQuietP99Ms)}, flood ${rps(v.medianFloodRequestsPerSecond)} (${Math.round(v.medianFloodRefusedShare * 100)}% refused)`;
    rows.push({
      line: `school B's read p99 while school A floods, vs quiet (refusals held ${holdMs} ms, ${schoolShare} of ${poolSize} connections per school)`,
      measured: text(shipped),
      ratio: String(shipped.medianP99Ratio),
      target: '<= 1.5',
      status: judge(shipped.medianP99Ratio <= 1.5),
    });
    rows.push({
      line: 'the same, refusals answered at once (RATE_LIMIT_REFUSAL_HOLD_MS=0)',
      measured: text(unheld),
      ratio: String(unheld.medianP99Ratio),
      target: '',
      status: '',
    });
    rows.push({
      line: `the same, one school may take the whole pool (DB_POOL_SCHOOL_SHARE=${poolSize})`,
      measured: text(unshared),
      ratio: String(unshared.medianP99Ratio),
      target: '',
      status: '',
    });
  }
  if (isolation) {
    for (const route of [isolation.school, isolation.students]) {
      const { tenant, bypass } = route.median;
      rows.push({
        line: `1. ${route.path}: tenant vs bypassed`,
        measured:
          `${rps(tenant.requestsPerSecond)} vs ${rps(bypass.requestsPerSecond)}, p99 ${ms(tenant.p99Ms)} vs ${ms(bypass.p99Ms)}; ` +
          `round trips ${route.wire.tenant.roundTrips} vs ${route.wire.bypass.roundTrips}, ` +
          `statements ${route.wire.tenant.statements} vs ${route.wire.bypass.statements}` +
          cpuText(route.cpuPerRequest?.tenant, route.cpuPerRequest?.bypass),
        ratio: String(route.medianRatio),
        target: '>= 0.85',
        status: judge(route.medianRatio >= 0.85),
      });
    }
    const { arms, baselines, poolSize } = isolation;
    const versus = (line: string, ratio: ArmRatio, target?: number): SummaryRow => {
      const [a, b] = [arms[ratio.first], arms[ratio.second]];
      return {
        line,
        measured:
          `${rps(a.median.requestsPerSecond)} vs ${rps(b.median.requestsPerSecond)}, p99 ${ms(a.median.p99Ms)} vs ${ms(b.median.p99Ms)}` +
          cpuText(a.cpuPerRequest ?? undefined, b.cpuPerRequest ?? undefined),
        ratio: String(ratio.medianRatio),
        target: target === undefined ? '' : `>= ${target}`,
        status: target === undefined ? '' : judge(ratio.medianRatio >= target),
      };
    };
    const students = arms[baselines.studentsVsDataSourcePerSchool.first].path;
    const school = arms[baselines.schoolVsNestPg.first].path;
    const minimal = `minimal NestJS + pg (one primary-key read, pool of ${poolSize})`;
    rows.push(
      versus(
        `1. ${students}: tenant vs DataSource per school (TypeORM find, the tutorial design)`,
        baselines.studentsVsDataSourcePerSchool,
        3,
      ),
      versus(`1. ${students}: tenant vs ${minimal}`, baselines.studentsVsNestPg, 0.3),
      versus(`1. ${school}: tenant vs ${minimal}`, baselines.schoolVsNestPg, 0.5),
      versus(
        '1. minimal NestJS + pg vs node http + pg (the ceiling), the same read',
        baselines.nestPgVsHttpPg,
      ),
    );
  }
  if (fleet) {
    const { flatness, provisioning, migration } = fleet;
    const { fleet: many, one } = flatness.median;
    const ok = flatness.medianRatio >= 0.85 && flatness.medianP99Ratio <= 1.3;
    rows.push({
      line: `2. mixed reads: ${flatness.schools.toLocaleString('en-US')} schools vs 1`,
      measured:
        `${rps(many.requestsPerSecond)} vs ${rps(one.requestsPerSecond)}, p99 ${ms(many.p99Ms)} vs ${ms(one.p99Ms)}` +
        cpuText(flatness.cpuPerRequest?.fleet, flatness.cpuPerRequest?.one),
      ratio: `${flatness.medianRatio} (p99 ${flatness.medianP99Ratio})`,
      target: '>= 0.85 (p99 <= 1.3)',
      status: judge(ok),
    });
    const memory = flatness.recycling
      .map((run) => {
        const recycled =
          `max uses ${run.maxUses}` +
          (run.maxSchoolsPerConnection ? `, ${run.maxSchoolsPerConnection} schools` : '');
        return run.memory
          ? `${run.memory.privateMiB} MiB private (${run.memory.backends} backends) with ${recycled}`
          : `unknown with ${recycled} (server not on this machine)`;
      })
      .join('; ');
    rows.push({
      line: '2. backend memory after the fleet reads',
      measured: memory,
      ratio: '',
      target: 'bounded',
      status: '',
    });
    rows.push(...provisioningRows(provisioning));
    rows.push({
      line: `4. release to ${migration.schools.toLocaleString('en-US')} schools`,
      measured:
        `${migration.best.medianSeconds} s at concurrency ${migration.best.concurrency} ` +
        `(${migration.release.map((row) => `${row.concurrency}: ${row.medianSeconds} s`).join(', ')}); ` +
        `no-op migrate ${migration.noOpMigrate.commandSeconds} s`,
      ratio: '',
      target: '<= 30 s',
      status: judge(migration.best.medianSeconds <= 30),
    });
  }
  if (results.provisioning) {
    const { shipped, neverRecycled } = results.provisioning;
    const { flatness, versusFresh } = neverRecycled;
    const fresh = versusFresh
      ? `; last ${versusFresh.window} ${ms(versusFresh.longLivedP50Ms)} vs a new process ${ms(versusFresh.freshP50Ms)} (${versusFresh.ratio})`
      : '';
    rows.push(...provisioningRows(shipped), {
      line: '3. the same, next, owner connections never recycled',
      measured: `p50 ${ms(neverRecycled.p50Ms)}; last ${flatness.window} ${ms(flatness.lastP50Ms)} vs first ${ms(flatness.firstP50Ms)}${fresh}${ownerMemory(neverRecycled)}`,
      ratio: String(flatness.ratio),
      target: '',
      status: '',
    });
  }
  if (logins) {
    rows.push({
      line: '5. sign-ins vs raw argon2',
      measured:
        `${rps(logins.median.loginsPerSecond)} vs ${rps(logins.median.argon2VerificationsPerSecond)}; ` +
        `read p99 ${ms(logins.median.schoolReadP99DuringLoginsMs)} during sign-ins, ${ms(logins.median.schoolReadP99QuietMs)} quiet`,
      ratio: `${logins.medianLoginToArgon2Ratio} (p99 ${logins.medianP99Ratio})`,
      target: '',
      status: '',
    });
  }
  if (ceiling) {
    rows.push({
      line: '6. GET /api/school vs pgbench -S',
      measured: `${rps(ceiling.median.http.requestsPerSecond)} vs ${rps(ceiling.median.pgbench.requestsPerSecond)} (${ceiling.pgbenchClients} clients)`,
      ratio: String(ceiling.medianRatio),
      target: '',
      status: '',
    });
  }
  if (results.builds) rows.push(...buildsRows(results.builds));
  if (results.instances) rows.push(...instancesRows(results.instances));
  if (permissions) {
    rows.push({
      line: 'permission check: looked up vs cached',
      measured: `${rps(permissions.median.uncached.requestsPerSecond)} vs ${rps(permissions.median.cached.requestsPerSecond)}; round trips ${permissions.wire.uncached.roundTrips} vs ${permissions.wire.cached.roundTrips}`,
      ratio: String(permissions.medianRatio),
      target: '',
      status: '',
    });
  }
  return rows;
}

/** A Markdown table, so the README's Performance section can take it as printed. */
export function markdownTable(rows: SummaryRow[]): string {
  const lines = [
    '| Figure | Measured (median of rounds) | Ratio | Target | Status |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) =>
      `| ${[row.line, row.measured, row.ratio, row.target, row.status].join(' | ')} |`.replace(
        / {2,}/g,
        ' ',
      ),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
