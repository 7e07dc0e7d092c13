import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { DataSource, type EntityManager } from 'typeorm';

/** The school's first person: its owner, with a local username and the account. */
export interface OwnerProfile {
  firstName: string;
  middleName: string | null;
  lastName: string;
  email: string;
  localUsername: string;
  userId: string;
}

/**
 * What registration reads and writes. Reads run on the owner's DataSource, one statement each;
 * writes run in the provisioning transaction (its manager has the new school's schema on the
 * search_path), so the school, its owner and its account appear together or not at all.
 */
@Injectable()
export class RegistrationRepository {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  async isEmailVerified(email: string): Promise<boolean> {
    const holders = await selectRows(
      this.owner.manager,
      `SELECT 1 FROM public.users WHERE lower(email) = lower($1) AND email_verified_at IS NOT NULL`,
      [email],
    );
    return holders.length > 0;
  }

  findActiveAccount(userId: string) {
    return selectRow<{ email: string | null; verified: boolean }>(
      this.owner.manager,
      `SELECT email, email_verified_at IS NOT NULL AS verified FROM public.users
        WHERE id = $1 AND is_active`,
      [userId],
    );
  }

  /** Undefined when the global username is taken (ON CONFLICT keeps the transaction alive). */
  async insertUser(
    manager: EntityManager,
    user: { globalUsername: string; email: string; passwordHash: string },
  ): Promise<string | undefined> {
    const row = await selectRow<{ id: string }>(
      manager,
      `INSERT INTO public.users (global_username, email, password_hash)
       VALUES ($1, $2, $3) ON CONFLICT (global_username) DO NOTHING RETURNING id`,
      [user.globalUsername, user.email, user.passwordHash],
    );
    return row?.id;
  }

  async insertOwnerProfile(manager: EntityManager, owner: OwnerProfile): Promise<void> {
    await execute(
      manager,
      `INSERT INTO profiles (kind, first_name, middle_name, last_name, email, local_username, user_id)
       VALUES ('owner', $1, $2, $3, $4, $5, $6)`,
      [
        owner.firstName,
        owner.middleName,
        owner.lastName,
        owner.email,
        owner.localUsername,
        owner.userId,
      ],
    );
  }

  async insertSettings(manager: EntityManager, displayName: string): Promise<void> {
    await execute(manager, `INSERT INTO school_settings (id, display_name) VALUES (1, $1)`, [
      displayName,
    ]);
  }

  /** The Owner role was seeded by the permission catalog sync, in this same transaction. */
  async grantOwnerRole(manager: EntityManager, userId: string): Promise<void> {
    await execute(
      manager,
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE system_key = 'owner'`,
      [userId],
    );
  }

  async insertMembership(manager: EntityManager, userId: string, schoolId: string): Promise<void> {
    await execute(
      manager,
      `INSERT INTO public.school_memberships (user_id, organization_id, via)
       VALUES ($1, $2, 'registered')`,
      [userId, schoolId],
    );
  }
}
