import { Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { policyOfHandler } from '@schoolyard/common';
import { TenantContext } from './tenant-context';
import { TenantTransactions } from './tenant-transactions.service';

type Handler = (...args: unknown[]) => unknown;

/** Route metadata lives on the handler function: the wrapper must answer the same. */
function copyMetadata(from: Handler, to: Handler): void {
  for (const key of Reflect.getOwnMetadataKeys(from) as unknown[]) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}

/**
 * Runs every school-scoped handler in its school's transaction (see TenantTransactions).
 *
 * Not a Nest interceptor: with any global interceptor, Nest runs every request of every route
 * through rxjs (deferred observables, an async resource per layer), which cost more API CPU
 * than the transaction's own bookkeeping. Instead, before Nest registers its routes, each
 * handler served at a school's address is replaced on its controller instance (an own
 * property, so another application in the same process is untouched) by a function that runs
 * the original in the transaction; Nest takes a route's callback from the instance. What runs
 * before the handler (guards, then pipes: validation) runs outside it, so a refused request
 * never takes a pooled connection.
 */
@Injectable()
export class TenantTransactionBinding {
  private bound = false;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
  ) {}

  /** Must run after the application is created and before `init()` registers the routes. */
  bindHandlers(): void {
    if (this.bound) return;
    this.bound = true;
    const scanner = new MetadataScanner();
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const instance = wrapper.instance as Record<string, unknown> | undefined;
        if (!instance) continue;
        for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
          const handler = instance[name];
          if (typeof handler !== 'function') continue;
          this.bind(instance, name, handler as Handler);
        }
      }
    }
  }

  private bind(instance: Record<string, unknown>, name: string, handler: Handler): void {
    if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) return; // not a route
    // The same policy the guards read: a route opts in by where it is served.
    const policy = policyOfHandler(handler);
    if (!policy?.requestTransaction) return;
    const scope = policy.scope;
    const { tenant, transactions } = this;
    const inTransaction = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      // At the platform's address a school-or-platform route has no school: no transaction.
      if (scope === 'school-or-platform' && !tenant.hasSchool) {
        return Promise.resolve(handler.apply(instance, args));
      }
      return transactions.run(tenant.school, async () => handler.apply(instance, args));
    };
    copyMetadata(handler, inTransaction);
    Object.defineProperty(instance, name, {
      value: inTransaction,
      configurable: true,
      writable: true,
    });
  }
}
