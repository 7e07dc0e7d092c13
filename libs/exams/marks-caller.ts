import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';

/**
 * Who enters or reads marks: the account (its staff profiles are found in SQL, in the statement
 * that needs them) and whether it holds exams.manage, which lifts the teaching rule (the exams
 * office).
 */
export interface MarksCaller {
  userId: string;
  managesAll: boolean;
}

/** The signed-in caller of this request as a MarksCaller. */
@Injectable()
export class CallerOfMarks {
  constructor(
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  /** On a route that declares permissions (the guard stored the caller's grant). */
  current(): MarksCaller {
    return {
      userId: this.principal.principal.userId,
      managesAll: this.access.has('exams.manage'),
    };
  }
}
