import { type ThrowawayDatabase } from '../../libs/database/throwaway-database';

export default async function globalTeardown(): Promise<void> {
  await (
    globalThis as { schoolyardTestDatabase?: ThrowawayDatabase }
  ).schoolyardTestDatabase?.drop();
}
