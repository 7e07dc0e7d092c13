import { type LightMyRequestResponse } from 'fastify';
import { type SignedIn, type TestApp } from './test-app';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Where a request goes: a school (its host) or the platform (`{ host: 'localhost' }`). */
export interface Addressed {
  host: string;
}

/** A request as `who` (null: anonymous) to `at`, through the whole HTTP stack. */
export type Caller = (
  at: Addressed,
  who: SignedIn | null,
  method: Method,
  url: string,
  payload?: object,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

/**
 * The one way the suites call the API. Pass the app or, where it is built in a `beforeAll`, a
 * function answering it: the caller can then be made where the suite's helpers are declared.
 */
export function caller(app: TestApp | (() => TestApp)): Caller {
  const appOf = typeof app === 'function' ? app : () => app;
  return (at, who, method, url, payload, headers = {}) =>
    appOf().app.inject({
      method,
      url,
      headers: { host: at.host, ...who?.bearer, ...headers },
      payload,
    });
}

/** A page of any list in the API. */
export interface Page<T = { id: string }> {
  data: T[];
  meta: { page: number; pageSize: number; total: number };
}

/** The body of a response that must have `status`; otherwise fails with what came back. */
export function bodyOf<T = Record<string, unknown>>(
  response: LightMyRequestResponse,
  status: number,
): T {
  if (response.statusCode !== status) {
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
  }
  return response.json<T>();
}
