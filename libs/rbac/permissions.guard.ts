import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { policyOf, requestStore, type RoutePolicy, type SchoolyardStore } from '@schoolyard/common';
import { PlatformAdmins, platformAdminRequired, PrincipalContext } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { type PermissionCode } from './permission-catalog';
import { forbidden, routeUndeclared } from './rbac.errors';
import { SchoolAccess } from './school-access.service';

/**
 * Runs after authentication, before the school's transaction opens: the caller's active roles
 * in THIS school must carry every permission the route requires. A signed-in school route that
 * declares nothing (possible only by casting past @Route's type) is closed (fail safe), and
 * test/rbac lists such routes.
 *
 * At the platform's address there is no school and no role: any account with a verified email
 * signs in there, so a signed-in route is for platform admins unless its access is
 * `{ signedIn: reason }` (open to every account).
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly tenant: TenantContext,
    private readonly caller: PrincipalContext,
    private readonly access: SchoolAccess,
    private readonly cls: ClsService<SchoolyardStore>,
    private readonly platformAdmins: PlatformAdmins,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = policyOf(context);
    if (policy === undefined || policy.signIn === 'none') return true;
    if (!this.tenant.hasSchool) return this.mayCallAtPlatform(policy);
    const required = policy.permissions;
    if (required === undefined) throw routeUndeclared();
    if (required.length === 0) return true; // open to every member
    const grant = await this.access.grantOf(this.tenant.school, this.caller.principal.userId);
    const missing = required.filter((code) => !grant.permissions.has(code as PermissionCode));
    if (missing.length) throw forbidden(missing);
    (requestStore(this.cls) as SchoolyardStore).callerGrant = grant;
    return true;
  }

  private async mayCallAtPlatform(policy: RoutePolicy): Promise<boolean> {
    // An anonymous caller of an optional sign-in route has nothing to check.
    if (policy.signIn === 'optional' && !this.caller.signedIn) return true;
    const openToEveryAccount = policy.noPermissionReason !== undefined;
    if (openToEveryAccount && !policy.platformAdminOnly) return true;
    if (await this.platformAdmins.isAdmin(this.caller.principal.userId)) return true;
    throw platformAdminRequired();
  }
}
