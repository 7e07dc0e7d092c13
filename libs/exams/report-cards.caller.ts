import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';
import { type CardCaller } from './report-cards.repository';

/** The signed-in caller of this request, as the report card's rules need it. */
@Injectable()
export class CallerOfCards {
  constructor(
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  /**
   * On a route that declares permissions: whoever manages or publishes exams sees every
   * student's card; an instructor only those of the sections they teach.
   */
  current(): CardCaller {
    return {
      userId: this.principal.principal.userId,
      seesEveryone: this.access.has('exams.manage') || this.access.has('exams.publish'),
    };
  }

  /** On a signed-in route without permissions: only the caller's own people are reached. */
  own(): CardCaller {
    return { userId: this.principal.principal.userId, seesEveryone: false };
  }
}
