import 'reflect-metadata';
import { loadConfig } from '@schoolyard/config';
import { writeFile } from 'node:fs/promises';
import {
  describeApiOffline,
  DOCUMENT_ENV,
  OPENAPI_FILE,
  serializeOpenApi,
} from '../../apps/api/openapi';

/**
 * `npm run openapi`: writes docs/openapi.json from the controllers, without a database (see
 * describeApiOffline). npm runs scripts at the repository's root, which the path is relative to.
 */
async function main(): Promise<void> {
  const document = await describeApiOffline(loadConfig({ ...DOCUMENT_ENV }));
  await writeFile(OPENAPI_FILE, serializeOpenApi(document));
  process.stdout.write(
    `${OPENAPI_FILE}: ${Object.keys(document.paths).length} paths. Run \`npm run client\` next.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
