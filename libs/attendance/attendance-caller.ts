import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';

/**
 * Who asks, as the attendance rules need it: the account (its staff, student and guardian
 * profiles here are found in SQL, in the statement that needs them) and whether it holds
 * attendance.manage, which lifts every row-level rule (the office).
 */
export interface AttendanceCaller {
  userId: string;
  managesAll: boolean;
}

/** The signed-in caller of this request as an AttendanceCaller. */
@Injectable()
export class CallerOfAttendance {
  constructor(
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  /** On a route that declares permissions (the guard stored the caller's grant). */
  current(): AttendanceCaller {
    return {
      userId: this.principal.principal.userId,
      managesAll: this.access.has('attendance.manage'),
    };
  }

  /** On a signed-in route without permissions: only the caller's own people are reached. */
  own(): AttendanceCaller {
    return { userId: this.principal.principal.userId, managesAll: false };
  }
}
