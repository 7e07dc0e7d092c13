import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from './caller-access';
import { type PermissionCode } from './permission-catalog';

/**
 * Who asks, as row-level rules need it: the account (its staff, student and guardian profiles
 * here are found in SQL, by the statement that needs them) and whether a permission of an
 * office lifts those rules (`reachesAll`). Services take it as an argument, so a command can
 * act as any person in a transaction of its own.
 */
export interface ScopedCaller {
  userId: string;
  reachesAll: boolean;
}

/** The signed-in caller of this request as a ScopedCaller. */
@Injectable()
export class CallerScope {
  constructor(
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  /**
   * On a route that declares permissions (the guard stored the caller's grant): the caller
   * reaches every row when they hold any of `lifting`.
   */
  current(...lifting: PermissionCode[]): ScopedCaller {
    return {
      userId: this.principal.principal.userId,
      reachesAll: lifting.some((code) => this.access.has(code)),
    };
  }

  /** On a signed-in route without permissions: only the caller's own people are reached. */
  own(): ScopedCaller {
    return { userId: this.principal.principal.userId, reachesAll: false };
  }
}
