import { Injectable } from '@nestjs/common';
import { execute, selectRow } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

export interface MerchantRow {
  merchant_code: string;
  secret_sealed: string;
  updated_at: Date;
}

/**
 * The school's one eSewa merchant row. Takes the manager: the settings routes use the
 * request's transaction, the callback route transactions of its own.
 */
@Injectable()
export class MerchantSettingsRepository {
  find(manager: EntityManager): Promise<MerchantRow | undefined> {
    return selectRow<MerchantRow>(
      manager,
      `SELECT merchant_code, secret_sealed, updated_at FROM fee_merchant_accounts
        WHERE provider = 'esewa'`,
    );
  }

  async save(
    manager: EntityManager,
    merchantCode: string,
    secretSealed: string,
    updatedBy: string,
  ): Promise<MerchantRow> {
    const row = await selectRow<MerchantRow>(
      manager,
      `INSERT INTO fee_merchant_accounts (provider, merchant_code, secret_sealed, updated_by)
       VALUES ('esewa', $1, $2, (SELECT id FROM profiles WHERE user_id = $3 ORDER BY created_at LIMIT 1))
       ON CONFLICT (provider) DO UPDATE
         SET merchant_code = EXCLUDED.merchant_code, secret_sealed = EXCLUDED.secret_sealed,
             updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING merchant_code, secret_sealed, updated_at`,
      [merchantCode, secretSealed, updatedBy],
    );
    return row!;
  }

  /**
   * Online payments started within the hour and still pending under another code than
   * `nextCode` (any code, when null). Older pending ones are taken as abandoned; they keep
   * their own code, so the office can still have eSewa rechecked about them.
   */
  async pendingElsewhere(manager: EntityManager, nextCode: string | null): Promise<number> {
    const row = await selectRow<{ pending: number }>(
      manager,
      `SELECT count(*)::int AS pending FROM fee_online_payments
        WHERE status = 'pending' AND created_at > now() - interval '1 hour'
          AND ($1::text IS NULL OR merchant_code IS DISTINCT FROM $1)`,
      [nextCode],
    );
    return row!.pending;
  }

  async remove(manager: EntityManager): Promise<void> {
    await execute(manager, `DELETE FROM fee_merchant_accounts WHERE provider = 'esewa'`);
  }
}
