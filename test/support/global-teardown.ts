import { type TestRun } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis as TestRun;
  await run.schoolyardTestSmtp?.close();
  await run.schoolyardTestDatabase?.drop();
}
