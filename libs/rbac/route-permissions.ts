import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { type ModulesContainer, type Reflector } from '@nestjs/core';
import { NO_PERMISSION_REASON, PUBLIC_ROUTE } from '@schoolyard/identity';
import { ROUTE_SCOPE, type RouteScope } from '@schoolyard/tenancy';
import { type PermissionCode } from './permission-catalog';
import { REQUIRED_PERMISSIONS } from './require-permissions.decorator';

/** The permissions a route requires, `public`, or the reason it needs none; undefined: undeclared. */
export type PermissionDeclaration = PermissionCode[] | 'public' | { reason: string } | undefined;

export interface SchoolRoute {
  route: string;
  declaration: PermissionDeclaration;
}

/** A route's metadata by key (the handler's own, else its controller's). */
type RouteMetadata = (key: string) => unknown;

/** What a handler declares; the guard and the route listing read it from here alike. */
export function permissionDeclaration(metadata: RouteMetadata): PermissionDeclaration {
  if (metadata(PUBLIC_ROUTE)) return 'public';
  const required = metadata(REQUIRED_PERMISSIONS) as PermissionCode[] | undefined;
  if (required?.length) return required;
  const reason = metadata(NO_PERMISSION_REASON) as string | undefined;
  return reason === undefined ? undefined : { reason };
}

/**
 * Every handler served at a school's address, with what it declares. The guard refuses an
 * undeclared route at run time; a test asserts there is none, so a forgotten decorator fails CI
 * instead of locking users out.
 */
export function schoolRoutes(modules: ModulesContainer, reflector: Reflector): SchoolRoute[] {
  const routes: SchoolRoute[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const targets = [handler, controller];
        const scope = reflector.getAllAndOverride<RouteScope | undefined>(ROUTE_SCOPE, targets);
        if (scope !== 'school' && scope !== 'school-or-platform') continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const route = `${method} /${[base, path].filter((part) => part && part !== '/').join('/')}`;
        routes.push({
          route: route.replace(/\/+/g, '/'),
          declaration: permissionDeclaration((key) => reflector.getAllAndOverride(key, targets)),
        });
      }
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
