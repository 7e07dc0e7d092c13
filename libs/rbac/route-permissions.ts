import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, type ModulesContainer } from '@nestjs/core';
import { policyOfHandler, type RoutePolicy } from '@schoolyard/common';
import { type PermissionCode } from './permission-catalog';

declare module '@schoolyard/common' {
  interface RouteVocabulary {
    /** `access: { permissions: [...] }` takes codes of the catalogue only. */
    permission: PermissionCode;
  }
}

/** The permissions a route requires, `public`, or the reason it needs none; undefined: undeclared. */
export type PermissionDeclaration = PermissionCode[] | 'public' | { reason: string } | undefined;

export interface SchoolRoute {
  route: string;
  declaration: PermissionDeclaration;
}

/** What a route's policy declares about permissions, as the route listing shows it. */
export function permissionDeclaration(policy: RoutePolicy): PermissionDeclaration {
  if (policy.signIn === 'none') return 'public';
  if (policy.noPermissionReason !== undefined) return { reason: policy.noPermissionReason };
  return policy.permissions?.length ? [...(policy.permissions as PermissionCode[])] : undefined;
}

/**
 * Every handler served at a school's address, with what it declares. The type of @Route leaves
 * no signed-in school route without permissions or a reason, and the guard refuses one that got
 * past it (a cast) at run time; a test asserts there is none, so nothing locks users out.
 */
export function schoolRoutes(modules: ModulesContainer): SchoolRoute[] {
  const routes: SchoolRoute[] = [];
  // Inherited handlers too (PortalAccountRoutes), as Nest registers them.
  const scanner = new MetadataScanner();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const policy = policyOfHandler(handler);
        if (policy?.scope !== 'school' && policy?.scope !== 'school-or-platform') continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const route = `${method} /${[base, path].filter((part) => part && part !== '/').join('/')}`;
        routes.push({
          route: route.replace(/\/+/g, '/'),
          declaration: permissionDeclaration(policy),
        });
      }
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
