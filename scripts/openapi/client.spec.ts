import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const COMMITTED = 'clients/typescript/src';

/** Every file under `folder`, by path relative to it, with its text. */
async function filesOf(folder: string): Promise<Map<string, string>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries.filter((item) => item.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path), await readFile(path, 'utf8'));
  }
  return files;
}

describe('the TypeScript client', () => {
  let fresh: string;

  beforeAll(async () => {
    fresh = await mkdtemp(join(tmpdir(), 'schoolyard-client-'));
  });
  afterAll(async () => {
    await rm(fresh, { recursive: true, force: true });
  });

  // The generator runs as `npm run client` does, in its own Node process: it is an ES module
  // package that Jest's module system would load differently from Node.
  it(`in ${COMMITTED} is what \`npm run client\` generates from docs/openapi.json`, async () => {
    await promisify(execFile)(process.execPath, ['scripts/openapi/client.mjs', fresh], {
      timeout: 60_000,
    });
    const [generated, committed] = await Promise.all([filesOf(fresh), filesOf(COMMITTED)]);
    const differ = [...new Set([...generated.keys(), ...committed.keys()])]
      .filter((path) => generated.get(path) !== committed.get(path))
      .sort();
    if (differ.length > 0) {
      throw new Error(
        `${COMMITTED} is not what docs/openapi.json generates (${differ.join(', ')}): run \`npm run client\` and commit the result.`,
      );
    }
    expect(committed.size).toBeGreaterThan(0);
  });
});
