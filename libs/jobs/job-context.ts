import { type SchoolyardStore } from '@schoolyard/common';
import { type ClsService } from 'nestjs-cls';

/** What every job's data may carry besides its own fields. */
export interface JobEnvelope {
  /** The request that caused the job (see SchoolyardStore.requestId); absent for timers. */
  requestId?: string;
}

/** The caller's request id, to travel in a job's data; undefined outside any request. */
export function currentRequestId(cls: ClsService<SchoolyardStore> | undefined): string | undefined {
  if (!cls?.isActive()) return undefined;
  return cls.get().requestId;
}

/**
 * Runs a job's handler in a context of its own, as a request runs in one: what reads the
 * request store (the log lines, TenantTransactions) sees the id of the request behind the job,
 * or `job:<id>` when no request sent it.
 */
export function inJobContext<T>(
  cls: ClsService<SchoolyardStore> | undefined,
  requestId: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!cls) return work();
  return cls.run(() => {
    cls.get().requestId = requestId;
    return work();
  });
}
