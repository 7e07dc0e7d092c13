import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';

/**
 * Who asks for results: the account (its staff, student and guardian profiles are found in
 * SQL, in the statement that needs them) and whether it sees every section's results, which
 * exams.manage and exams.publish do (the office); an instructor sees the sections they teach
 * or are homeroom of.
 */
export interface ResultsCaller {
  userId: string;
  seesAll: boolean;
}

@Injectable()
export class CallerOfResults {
  constructor(
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  /** On a route that declares permissions (the guard stored the caller's grant). */
  current(): ResultsCaller {
    return {
      userId: this.principal.principal.userId,
      seesAll: this.access.has('exams.manage') || this.access.has('exams.publish'),
    };
  }

  /** On a signed-in route without permissions: only the caller's own people are reached. */
  own(): ResultsCaller {
    return { userId: this.principal.principal.userId, seesAll: false };
  }
}
