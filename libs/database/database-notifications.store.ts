import { type Client } from 'pg';

/** LISTEN on a session of its own (database-notifications.service.ts keeps it open). */
export class NotificationChannels {
  constructor(private readonly client: Client) {}

  /** `channel` is checked by the caller (lower-case letters and underscores). */
  async listen(channel: string): Promise<void> {
    await this.client.query(`LISTEN ${channel}`);
  }
}
