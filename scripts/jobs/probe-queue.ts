import { type JobQueue } from '@schoolyard/jobs';

/** The probe worker's queue (probe-worker.ts), shared with the test that sends to it. */
export const probeQueue: JobQueue = {
  name: 'probe.effect',
  policy: 'stately',
  // Short, so that a killed worker's job is handed back within the test's patience.
  expireInSeconds: 3,
  retryLimit: 3,
  retryDelay: 0,
  retryBackoff: false,
};
