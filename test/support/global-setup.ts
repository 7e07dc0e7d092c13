// Relative import: Jest's path aliases do not apply to global setup.
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../libs/database/throwaway-database';
import { type SmtpSink, startSmtpSink } from './smtp-sink';

/**
 * One database for the whole run: a fresh one on the server named by DATABASE_URL, or a
 * throw-away embedded server when DATABASE_URL is unset. And one SMTP server receiving the
 * run's mail (see smtp-sink.ts). Jest's workers inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  const database = await createThrowawayDatabase(
    'test',
    process.env.DATABASE_URL?.trim() || undefined,
  );
  process.env.SCHOOLYARD_TEST_DATABASE_URL = database.url;
  const sink = await startSmtpSink();
  process.env.SCHOOLYARD_TEST_SMTP_URL = sink.url;
  process.env.SCHOOLYARD_TEST_MAILDIR = sink.dir;
  Object.assign(globalThis as TestRun, {
    schoolyardTestDatabase: database,
    schoolyardTestSmtp: sink,
  });
}

export interface TestRun {
  schoolyardTestDatabase?: ThrowawayDatabase;
  schoolyardTestSmtp?: SmtpSink;
}
