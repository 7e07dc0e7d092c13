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
