import { type AppConfig } from '@schoolyard/config';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenedDatabase {
  ownerUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded server whose data lives in ./.data/. */
export async function openDatabase(config: AppConfig): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    return { ownerUrl: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.embeddedDataDir,
    database: 'schoolyard',
    persistent: true,
  });
  return { ownerUrl: server.url, embedded: true, stop: () => server.stop() };
}
