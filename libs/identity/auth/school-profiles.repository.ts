import { Injectable } from '@nestjs/common';
import { recordSchoolEvents, type SchoolAuditEvent } from '@schoolyard/audit';
import { selectRow } from '@schoolyard/common';
import { type School, TenantTransactions } from '@schoolyard/tenancy';

/** A person of the school as sign-in and the caller's own account show them. */
export interface SchoolProfileRow {
  id: string;
  kind: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  local_username: string | null;
  user_id: string;
}

export const displayNameOf = (profile: Pick<SchoolProfileRow, 'first_name' | 'last_name'>) =>
  `${profile.first_name} ${profile.last_name}`.trim();

/** The caller's own profile in this school, as their account page shows it. */
export const ownProfileView = (profile: SchoolProfileRow) => ({
  id: profile.id,
  kind: profile.kind,
  firstName: profile.first_name,
  middleName: profile.middle_name,
  lastName: profile.last_name,
  email: profile.email,
});

const PROFILE_COLUMNS =
  'id, kind, first_name, middle_name, last_name, email, local_username, user_id';

/**
 * The school's profiles, each read in a short transaction of the school's own, so that sign-in
 * holds no school connection while argon2 runs or while the platform's tables are read.
 */
@Injectable()
export class SchoolProfilesRepository {
  constructor(private readonly transactions: TenantTransactions) {}

  /** The person who signs in with this local username, if an account is attached. */
  findByLocalUsername(school: School, localUsername: string) {
    return this.one(
      school,
      `SELECT ${PROFILE_COLUMNS}
         FROM profiles WHERE local_username = $1 AND user_id IS NOT NULL`,
      localUsername,
    );
  }

  /** The account's profile in this school (the oldest, should there be more). */
  findByUser(school: School, userId: string) {
    return this.one(
      school,
      `SELECT ${PROFILE_COLUMNS}
         FROM profiles WHERE user_id = $1 ORDER BY created_at LIMIT 1`,
      userId,
    );
  }

  private async one(
    school: School,
    sql: string,
    parameter: string,
  ): Promise<SchoolProfileRow | null> {
    const row = await this.transactions.run(school, (manager) =>
      selectRow<SchoolProfileRow>(manager, sql, [parameter]),
    );
    return row ?? null;
  }

  /**
   * A sign-in's entry in the school's audit trail, in one short transaction of its own (sign-in
   * holds none). `null` still runs the statement, inserting nothing: an unknown name then does
   * the same work as a known one with a wrong password.
   */
  async recordSignIn(school: School, event: SchoolAuditEvent | null): Promise<void> {
    await this.transactions.run(school, (manager) =>
      recordSchoolEvents(manager, event ? [event] : []),
    );
  }
}
