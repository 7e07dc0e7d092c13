import { type ExecutionContext } from '@nestjs/common';

type Target = object;

/** Per controller class, per handler: each metadata key read once, then from a map. */
const remembered = new WeakMap<Target, WeakMap<Target, Map<string, unknown>>>();

/**
 * A route's metadata as Nest's `Reflector.getAllAndOverride(key, [handler, class])` reads it
 * (the handler's own value, else the controller's), looked up once per route and key.
 *
 * Every request passes five guards, each asking a few keys of the same route; through
 * reflect-metadata that is a walk of two objects' metadata maps per question. A route's
 * metadata is fixed once the application is built, so the answers are kept per handler.
 */
export function routeMetadata<T>(context: ExecutionContext, key: string): T | undefined {
  const handler = context.getHandler();
  const controller = context.getClass();
  let byHandler = remembered.get(controller);
  if (!byHandler) remembered.set(controller, (byHandler = new WeakMap()));
  let values = byHandler.get(handler);
  if (!values) byHandler.set(handler, (values = new Map()));
  if (values.has(key)) return values.get(key) as T | undefined;
  const own = Reflect.getMetadata(key, handler) as T | undefined;
  const value = own !== undefined ? own : (Reflect.getMetadata(key, controller) as T | undefined);
  values.set(key, value);
  return value;
}
