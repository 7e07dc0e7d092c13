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
  /**
   * Who acts and from where, for the school's audit trail: the signed-in account's id (set by
   * the authentication guard) and the client's address (set as the request's context is
   * entered). Both ride in the tenant transaction's opening message as transaction settings
   * that the audit trigger reads (libs/tenancy, migrations/tenant AuditTrail).
   */
  auditActor?: string;
  clientAddress?: string;
}

/** The request's store, or undefined outside any request (a CLI command, a timer). */
export function requestStore(cls: ClsService<SchoolyardStore>): SchoolyardStore | undefined {
  return cls.get() as SchoolyardStore | undefined;
}
