// Relative import: Jest's path aliases do not apply to global setup.
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../libs/database/throwaway-database';

/**
 * One database for the whole run: a fresh one on the server named by DATABASE_URL, or a
 * throw-away embedded server when DATABASE_URL is unset.
 */
export default async function globalSetup(): Promise<void> {
  const database = await createThrowawayDatabase(
    'test',
    process.env.DATABASE_URL?.trim() || undefined,
  );
  process.env.SCHOOLYARD_TEST_DATABASE_URL = database.url;
  (globalThis as { schoolyardTestDatabase?: ThrowawayDatabase }).schoolyardTestDatabase = database;
}
