import { type ClsService, type ClsStore } from 'nestjs-cls';

/**
 * What one request carries through AsyncLocalStorage (nestjs-cls): `ClsService<SchoolyardStore>`.
 * Each library adds the fields it owns by declaration merging (tenancy: the school and its
 * transaction; identity: the caller; rbac: the caller's grant), so this file depends on none
 * of them and no key is shared by accident.
 *
 * Fields are read and written on the store object itself (`cls.get()` returns it), never with
 * `cls.get('key')`: nestjs-cls reads a string key as a dotted path on every call.
 */
export interface SchoolyardStore extends ClsStore {
  /**
   * The request's id (the one in its log line and error body), or, in a job, the id of the
   * request that caused the job: background work logs under the id of the request behind it.
   */
  requestId?: string;
}

/** The request's store, or undefined outside any request (a CLI command, a timer). */
export function requestStore(cls: ClsService<SchoolyardStore>): SchoolyardStore | undefined {
  return cls.get() as SchoolyardStore | undefined;
}
