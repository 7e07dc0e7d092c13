import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { type PermissionCode } from './permission-catalog';
import { type SchoolAccessGrant } from './school-access.service';

export const CALLER_GRANT_KEY = 'schoolyard.caller-grant';

/** The roles and permissions the guard found for this request's caller in this school. */
@Injectable()
export class CallerAccess {
  constructor(private readonly cls: ClsService) {}

  get grant(): SchoolAccessGrant {
    const grant = this.cls.isActive()
      ? this.cls.get<SchoolAccessGrant | undefined>(CALLER_GRANT_KEY)
      : undefined;
    if (!grant) throw new Error('No permission check ran: the route declares no permission');
    return grant;
  }

  has(code: PermissionCode): boolean {
    return this.grant.permissions.has(code);
  }

  get isOwner(): boolean {
    return this.grant.roles.some((role) => role.systemKey === 'owner');
  }
}
