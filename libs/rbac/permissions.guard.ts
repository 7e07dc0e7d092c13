import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { routeMetadata } from '@schoolyard/common';
import {
  PLATFORM_ADMIN_ONLY,
  PlatformAdmins,
  platformAdminRequired,
  PrincipalContext,
} from '@schoolyard/identity';
import { ROUTE_SCOPE, type RouteScope, TenantContext } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { forbidden, routeUndeclared } from './rbac.errors';
import { CALLER_GRANT_KEY } from './caller-access';
import { type PermissionDeclaration, permissionDeclaration } from './route-permissions';
import { SchoolAccess } from './school-access.service';

/**
 * Runs after authentication, before the school's transaction opens: the caller's active roles
 * in THIS school must carry every permission the route requires. A signed-in school route that
 * declares nothing is closed (fail safe), and test/rbac lists such routes.
 *
 * At the platform's address there is no school and no role: any account with a verified email
 * signs in there, so a signed-in route is for platform admins unless it is open to every
 * account by @NoPermissionRequired (and not @PlatformAdminOnly). Routes written before
 * non-admins could sign in there keep admin-only without a change.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly tenant: TenantContext,
    private readonly caller: PrincipalContext,
    private readonly access: SchoolAccess,
    private readonly cls: ClsService,
    private readonly platformAdmins: PlatformAdmins,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = routeMetadata<RouteScope>(context, ROUTE_SCOPE);
    if (scope === undefined) return true;
    const declaration = permissionDeclaration((key) => routeMetadata(context, key));
    if (!this.tenant.hasSchool) return this.mayCallAtPlatform(context, declaration);
    if (declaration === undefined) throw routeUndeclared();
    if (!Array.isArray(declaration)) return true; // public, or open to every member
    const grant = await this.access.grantOf(this.tenant.school, this.caller.principal.userId);
    const missing = declaration.filter((code) => !grant.permissions.has(code));
    if (missing.length) throw forbidden(missing);
    this.cls.set(CALLER_GRANT_KEY, grant);
    return true;
  }

  private async mayCallAtPlatform(
    context: ExecutionContext,
    declaration: PermissionDeclaration,
  ): Promise<boolean> {
    if (declaration === 'public') return true;
    const adminOnly = routeMetadata<boolean>(context, PLATFORM_ADMIN_ONLY);
    const openToEveryAccount = typeof declaration === 'object' && !Array.isArray(declaration);
    if (openToEveryAccount && !adminOnly) return true;
    if (await this.platformAdmins.isAdmin(this.caller.principal.userId)) return true;
    throw platformAdminRequired();
  }
}
