import { Injectable } from '@nestjs/common';
import { requestStore, type SchoolyardStore } from '@schoolyard/common';
import { ClsService } from 'nestjs-cls';
import { type PermissionCode } from './permission-catalog';
import { type SchoolAccessGrant } from './school-access.service';

declare module '@schoolyard/common' {
  interface SchoolyardStore {
    /** The caller's roles and permissions in this school, once the permissions guard ran. */
    callerGrant?: SchoolAccessGrant;
  }
}

/** The roles and permissions the guard found for this request's caller in this school. */
@Injectable()
export class CallerAccess {
  constructor(private readonly cls: ClsService<SchoolyardStore>) {}

  get grant(): SchoolAccessGrant {
    const grant = requestStore(this.cls)?.callerGrant;
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
