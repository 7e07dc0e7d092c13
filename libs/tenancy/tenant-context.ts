import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';
import { type School } from './school';

/*
 * Symbols, not strings: nestjs-cls reads a dotted string key as a path into nested objects on
 * every get and set, and a symbol is a plain property of the request's store.
 */
const SCHOOL_KEY = Symbol('schoolyard.school');
const TRANSACTION_KEY = Symbol('schoolyard.transaction');

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
  constructor(private readonly cls: ClsService) {}

  /** The school this request was resolved to. */
  get school(): School {
    const school = this.cls.isActive() ? this.cls.get<School | undefined>(SCHOOL_KEY) : undefined;
    if (!school) throw new Error('No school in this context: the route is not @SchoolScoped()');
    return school;
  }

  get hasSchool(): boolean {
    return this.cls.isActive() && this.cls.get<School | undefined>(SCHOOL_KEY) !== undefined;
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
    this.cls.set(SCHOOL_KEY, school);
  }

  /** Called by whoever opens a transaction for the code that runs in it (TenantTransactions). */
  enterTransaction(transaction: OpenTransaction | undefined): void {
    this.cls.set(TRANSACTION_KEY, transaction);
  }

  private get transaction(): OpenTransaction {
    const transaction = this.cls.isActive()
      ? this.cls.get<OpenTransaction | undefined>(TRANSACTION_KEY)
      : undefined;
    if (!transaction) {
      throw new Error(
        'No tenant transaction is open: mark the route @SchoolScoped() or use TenantTransactions.run()',
      );
    }
    return transaction;
  }
}
