import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';
import { type Audiences, EventsRepository } from './events.repository';

/**
 * Which events the caller is shown: staff (and whoever manages the calendar) see everything, a
 * student events for everyone and for students, a guardian for everyone and for guardians. A
 * person who is both (a teacher with a child here) sees what each of their profiles would.
 */
@Injectable()
export class CallerAudience {
  constructor(
    private readonly events: EventsRepository,
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  async current(): Promise<Audiences> {
    if (this.access.has('calendar.manage')) return null;
    const kinds = await this.events.kindsOf(this.principal.principal.userId);
    if (kinds.includes('staff') || kinds.includes('owner')) return null;
    return [
      'everyone',
      ...(kinds.includes('student') ? (['students'] as const) : []),
      ...(kinds.includes('guardian') ? (['guardians'] as const) : []),
    ];
  }

  /** The caller's account, for created_by. */
  get userId(): string {
    return this.principal.principal.userId;
  }
}
