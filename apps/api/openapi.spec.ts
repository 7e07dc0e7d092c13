import { type OpenAPIObject } from '@nestjs/swagger';
import { compileErrors, validate } from '@readme/openapi-parser';
import { loadConfig } from '@schoolyard/config';
import { readFile } from 'node:fs/promises';
import { describeApiOffline, DOCUMENT_ENV, OPENAPI_FILE, serializeOpenApi } from './openapi';

/** Where two texts part, so a failure says what changed without printing 7,000 lines. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const have = actual.split('\n');
  const line = want.findIndex((text, index) => text !== have[index]);
  const at = line === -1 ? want.length : line;
  return `line ${at + 1}: the controllers say ${JSON.stringify(want[at] ?? '(end of file)')}, the file has ${JSON.stringify(have[at] ?? '(end of file)')}`;
}

/**
 * Schemas in components.schemas said to be free-form objects on purpose: `type: object` with
 * nothing to say what is inside. Name them as `Schema.property` (with `[]` for array items).
 */
const FREE_FORM_OBJECTS = new Set<string>([]);

type Schema = {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

/**
 * Where a schema is `type: object` and says nothing more: what @nestjs/swagger writes when a
 * property's TypeScript type is `string | null`, `Date | null` or `unknown` (the design type is
 * Object) and the decorator names no type. The generated client then types a string as
 * `{ [key: string]: unknown }`.
 */
function blankObjects(schema: Schema, at: string): string[] {
  const blank =
    schema.type === 'object' &&
    !schema.properties &&
    schema.additionalProperties === undefined &&
    !schema.$ref &&
    !schema.allOf &&
    !schema.oneOf &&
    !schema.anyOf;
  const nested = (
    [
      ...Object.entries(schema.properties ?? {}).map(([name, inner]) => [`${at}.${name}`, inner]),
      ...(schema.items ? [[`${at}[]`, schema.items]] : []),
      ...(typeof schema.additionalProperties === 'object'
        ? [[`${at}{}`, schema.additionalProperties]]
        : []),
      ...[...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].map(
        (inner, index) => [`${at}|${index}`, inner],
      ),
    ] as Array<[string, Schema]>
  ).flatMap(([where, inner]) => blankObjects(inner, where));
  return blank ? [at, ...nested] : nested;
}

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await describeApiOffline(loadConfig({ ...DOCUMENT_ENV }));
  });

  it(`is published as ${OPENAPI_FILE}, as the controllers describe it`, async () => {
    const expected = serializeOpenApi(document);
    const published = await readFile(OPENAPI_FILE, 'utf8').catch(() => '');
    if (published !== expected) {
      throw new Error(
        `${OPENAPI_FILE} is out of date: run \`npm run openapi\` (then \`npm run client\`) and commit the result. First difference at ${firstDifference(expected, published)}`,
      );
    }
  });

  // OpenAPI 3.0: each name in a security requirement MUST be a declared scheme. The validator
  // does not check it; a generated client would not know how to send the credential.
  it('names only security schemes it declares', () => {
    const declared = new Set(Object.keys(document.components?.securitySchemes ?? {}));
    const undeclared = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { security?: Record<string, string[]>[] }>)
        .flatMap(([method, operation]) =>
          (operation.security ?? []).flatMap((requirement) =>
            Object.keys(requirement).map((name) => `${method.toUpperCase()} ${path}: ${name}`),
          ),
        )
        .filter((use) => !declared.has(use.slice(use.lastIndexOf(' ') + 1))),
    );
    expect(undeclared).toEqual([]);
  });

  // A nullable string, date or number documented as an object: the decorator must name the type.
  it('documents no property as an object of unknown shape, save the listed free-form ones', () => {
    const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
    const blank = Object.entries(schemas)
      .flatMap(([name, schema]) => blankObjects(schema, name))
      .filter((where) => !FREE_FORM_OBJECTS.has(where));
    expect(blank).toEqual([]);
  });

  // Until every controller declares its path parameters, this fails, and says where.
  it('is valid OpenAPI', async () => {
    // The validator resolves $refs in place: it gets its own copy.
    const result = await validate(
      structuredClone(document) as unknown as Parameters<typeof validate>[0],
    );
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });
});
