import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';
import { type School } from './school';

export const SCHOOL_KEY = 'schoolyard.school';
export const MANAGER_KEY = 'schoolyard.manager';
export const AFTER_COMMIT_KEY = 'schoolyard.after-commit';

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
    const manager = this.cls.isActive()
      ? this.cls.get<EntityManager | undefined>(MANAGER_KEY)
      : undefined;
    if (!manager) {
      throw new Error(
        'No tenant transaction is open: mark the route @SchoolScoped() or use TenantTransactions.run()',
      );
    }
    return manager;
  }

  /**
   * Runs `callback` once the open tenant transaction has committed (never if it rolls back):
   * for in-process caches that must forget what this transaction changed, after the change
   * is visible to the next reader.
   */
  afterCommit(callback: () => void): void {
    const callbacks = this.cls.isActive()
      ? this.cls.get<Array<() => void> | undefined>(AFTER_COMMIT_KEY)
      : undefined;
    if (!callbacks) throw new Error('No tenant transaction is open');
    callbacks.push(callback);
  }

  /** Called once the request's host has been resolved. */
  enter(school: School): void {
    this.cls.set(SCHOOL_KEY, school);
  }
}
