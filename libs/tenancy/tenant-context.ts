import { Injectable } from '@nestjs/common';
import { requestStore, type SchoolyardStore } from '@schoolyard/common';
import { ClsService } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';
import { type School } from './school';

declare module '@schoolyard/common' {
  interface SchoolyardStore {
    /** The school the request's host was resolved to (or a transaction was opened for). */
    school?: School;
    /** The open tenant transaction, while one is. */
    transaction?: OpenTransaction;
  }
}

/** The open tenant transaction, as the code inside it reaches it. */
export interface OpenTransaction {
  readonly manager: EntityManager;
  /** Run in order once the transaction has committed (never if it rolls back). */
  readonly afterCommit: Array<() => void>;
  /** The statement with this text is the transaction's last: its COMMIT is written with it. */
  closeWith(sql: string): void;
}

/**
 * The one small API services use to reach the current school's data. It reads from
 * AsyncLocalStorage (nestjs-cls), so singletons serve every request without being rebuilt.
 */
@Injectable()
export class TenantContext {
  constructor(private readonly cls: ClsService<SchoolyardStore>) {}

  /** The school this request was resolved to. */
  get school(): School {
    const school = requestStore(this.cls)?.school;
    if (!school) throw new Error("No school in this context: the route is not served at 'school'");
    return school;
  }

  get hasSchool(): boolean {
    return requestStore(this.cls)?.school !== undefined;
  }

  /**
   * The entity manager of the open tenant transaction: unqualified names resolve to this
   * school's schema and the connection holds only this school's role.
   */
  get manager(): EntityManager {
    return this.transaction.manager;
  }

  /**
   * Runs the transaction's LAST statement, with COMMIT in the same write: a handler that reads
   * with one statement costs one round trip. Nothing may query in this transaction after it
   * (that throws); what the handler does with the rows afterwards is up to it. For reads, and
   * for a write whose outcome needs no further statement.
   */
  finalQuery<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> {
    const transaction = this.transaction;
    transaction.closeWith(sql);
    return transaction.manager.query(sql, parameters) as Promise<T>;
  }

  /**
   * Runs `callback` once the open tenant transaction has committed (never if it rolls back):
   * for in-process caches that must forget what this transaction changed, after the change
   * is visible to the next reader.
   */
  afterCommit(callback: () => void): void {
    this.transaction.afterCommit.push(callback);
  }

  /** Called once the request's host has been resolved. */
  enter(school: School): void {
    this.store().school = school;
  }

  /** Called by whoever opens a transaction for the code that runs in it (TenantTransactions). */
  enterTransaction(transaction: OpenTransaction | undefined): void {
    this.store().transaction = transaction;
  }

  private get transaction(): OpenTransaction {
    const transaction = requestStore(this.cls)?.transaction;
    if (!transaction) {
      throw new Error(
        "No tenant transaction is open: serve the route at 'school' or use TenantTransactions.run()",
      );
    }
    return transaction;
  }

  private store(): SchoolyardStore {
    const store = requestStore(this.cls);
    if (!store) throw new Error('No request context: run inside ClsService.run()');
    return store;
  }
}
