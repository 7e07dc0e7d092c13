import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A session is one sign-in at one school (or at the platform) and one refresh-token family:
 * every refresh token it ever issued points at it, so reuse of a spent token revokes them all.
 */
export class AuthSessions1763900000200 implements MigrationInterface {
  name = 'AuthSessions1763900000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE auth_sessions (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id   uuid REFERENCES organizations (id) ON DELETE CASCADE,
        created_at        timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at timestamptz,
        expires_at        timestamptz NOT NULL,
        revoked_at        timestamptz,
        revoked_reason    text
      )`);
    await db.query(`CREATE INDEX auth_sessions_user_id_idx ON auth_sessions (user_id)`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id  uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
        secret_hash text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        used_at     timestamptz
      )`);
    await db.query(`CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE refresh_tokens, auth_sessions`);
  }
}
