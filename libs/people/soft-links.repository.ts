import { Injectable } from '@nestjs/common';
import { execute } from '@schoolyard/common';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** `schema.` for the owner account, which runs with no search_path; nothing in a school's own transaction. */
function tablesOf(schemaName: string | undefined): string {
  return schemaName === undefined ? '' : `${quoteIdentifier(schemaName)}.`;
}

/**
 * A school's soft links to global accounts (profiles.user_id, user_roles.user_id), let go of
 * in the caller's transaction: by the account cascade and the audit's fix when an account is
 * gone, by activation's controls and by linking when one leaves or is replaced.
 */
@Injectable()
export class SoftLinksRepository {
  /** The profiles let go of the accounts (their records stay) and the accounts' roles go. */
  async forgetAccounts(
    manager: EntityManager,
    userIds: readonly string[],
    schemaName?: string,
  ): Promise<void> {
    await execute(
      manager,
      `UPDATE ${tablesOf(schemaName)}profiles SET user_id = NULL, updated_at = now()
        WHERE user_id = ANY($1::uuid[])`,
      [[...userIds]],
    );
    await this.deleteAssignments(manager, userIds, schemaName);
  }

  /** Every role assignment of these accounts, active or not. */
  async deleteAssignments(
    manager: EntityManager,
    userIds: readonly string[],
    schemaName?: string,
  ): Promise<void> {
    await execute(
      manager,
      `DELETE FROM ${tablesOf(schemaName)}user_roles WHERE user_id = ANY($1::uuid[])`,
      [[...userIds]],
    );
  }
}
