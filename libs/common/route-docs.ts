import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
} from '@nestjs/swagger';
import { type RoutePolicy } from './route-policy';
import { impliedRefusals, type Refusal, refusalOf, type RouteError } from './route-refusals';

/**
 * Names of the security schemes the document registers (apps/api/http-app.ts): a bearer JWT
 * in the Authorization header, or the HttpOnly access cookie a browser holds.
 */
export const SECURITY_SCHEMES = { bearer: 'bearer', cookie: 'access-cookie' } as const;

export class ErrorDetailView {
  @ApiProperty({ example: 'STUDENT_NOT_FOUND' }) code!: string;
  @ApiProperty({ example: 'There is no such student in this school' }) message!: string;
  @ApiPropertyOptional({
    description:
      'Depends on the code: the fields at fault ({ field, problems }[]) for VALIDATION_FAILED; ' +
      'counts, limits and the like otherwise',
    oneOf: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            field: { type: 'string' },
            problems: { type: 'array', items: { type: 'string' } },
          },
          required: ['field', 'problems'],
        },
      },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: unknown;
}

/** The one body every 4xx and 5xx carries (see errorBody). */
export class ErrorView {
  @ApiProperty({ type: ErrorDetailView }) error!: ErrorDetailView;
  @ApiProperty({ description: 'Also in the X-Request-Id response header', example: 'req-1' })
  requestId!: string;
}

const SAFE_METHODS = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

/** Kinds of argument the handler declares, from the metadata its parameter decorators left. */
function argumentKinds(target: object, property: string | symbol): Set<number> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, property) ??
    {}) as Record<string, unknown>;
  return new Set(Object.keys(args).map((key) => Number(key.split(':')[0])));
}

/**
 * One response per status, listing every refusal it can carry, each with its example body.
 * A code can stand for more than one refusal (FORBIDDEN: a missing permission, or a section the
 * caller does not teach), so refusals are told apart by code and message together.
 */
function responsesByStatus(refusals: readonly Refusal[]): Map<number, Refusal[]> {
  const byStatus = new Map<number, Refusal[]>();
  for (const found of refusals) {
    const same = byStatus.get(found.status) ?? [];
    const known = same.some((seen) => seen.code === found.code && seen.message === found.message);
    if (!known) same.push(found);
    byStatus.set(found.status, same);
  }
  return byStatus;
}

/** Example names must be unique within a response: the code, numbered when it repeats. */
function examplesOf(same: readonly Refusal[]): Record<string, { summary: string; value: unknown }> {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const found of same) {
    let name = found.code;
    for (let n = 2; name in examples; n++) name = `${found.code} (${n})`;
    examples[name] = {
      summary: found.message,
      value: { error: { code: found.code, message: found.message }, requestId: 'req-1' },
    };
  }
  return examples;
}

/**
 * The route's part of the OpenAPI document: security for signed-in routes, and every error
 * the route can answer (its own and the guards'), referencing the shared error schema.
 *
 * It reads the verb and the parameters the other decorators declared, so @Route is written
 * above the verb decorator (decorators apply bottom-up); it says so when it is not.
 */
export function documentRoute(
  policy: RoutePolicy,
  errors: readonly RouteError[] = [],
): MethodDecorator {
  return (target, property, descriptor) => {
    const method = Reflect.getMetadata(METHOD_METADATA, descriptor.value as object) as
      RequestMethod | undefined;
    if (method === undefined) {
      throw new Error(
        `@Route on ${target.constructor.name}.${String(property)} must be written above @Get/@Post/…`,
      );
    }
    const kinds = argumentKinds(target, property);
    const refusals = [
      ...impliedRefusals(policy, {
        body: kinds.has(RouteParamtypes.BODY),
        queryOrPath: kinds.has(RouteParamtypes.QUERY) || kinds.has(RouteParamtypes.PARAM),
        changes: !SAFE_METHODS.has(method),
      }),
      ...errors.map(refusalOf),
    ];
    if (policy.signIn !== 'none') {
      ApiBearerAuth(SECURITY_SCHEMES.bearer)(target, property, descriptor);
      ApiCookieAuth(SECURITY_SCHEMES.cookie)(target, property, descriptor);
      // An empty requirement: calling with no credentials at all is allowed too.
      if (policy.signIn === 'optional') ApiSecurity({})(target, property, descriptor);
    }
    for (const [status, same] of responsesByStatus(refusals)) {
      ApiResponse({
        status,
        type: ErrorView,
        description: same.map((found) => `\`${found.code}\`: ${found.message}`).join('\n\n'),
        examples: examplesOf(same),
      })(target, property, descriptor);
    }
  };
}
