import { Injectable } from '@nestjs/common';
import { type columnAssignments, execute, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/** The one row of school_settings. */
const SETTINGS_ROW = 1;

export interface SchoolSettingsRow {
  display_name: string;
  timezone: string;
  locale: string;
  primary_color: string | null;
  secondary_color: string | null;
  rest_days: number[];
  attendance_edit_days: number;
  currency: string;
  email_enabled: boolean;
  sms_enabled: boolean;
  updated_at: Date;
}

/** Fixed SQL: the school's sign-in page reads this on every visit. */
const READ_SETTINGS = `SELECT display_name, timezone, locale, primary_color, secondary_color,
    ARRAY(SELECT unnest(rest_days)::int ORDER BY 1) AS rest_days,
    attendance_edit_days::int AS attendance_edit_days, currency, email_enabled, sms_enabled,
    updated_at
  FROM school_settings WHERE id = ${SETTINGS_ROW}`;

/** The school's settings row, and its CORS origins in the platform's registry. */
@Injectable()
export class SchoolSettingsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The transaction's last statement, so COMMIT rides with it. */
  async readSettingsLast(): Promise<SchoolSettingsRow | undefined> {
    const [settings] = await this.tenant.finalQuery<SchoolSettingsRow[]>(READ_SETTINGS);
    return settings;
  }

  async updateSettings(plan: ReturnType<typeof columnAssignments>): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE school_settings SET ${plan.set(1)}, updated_at = now() WHERE id = ${SETTINGS_ROW}`,
      plan.values,
    );
  }

  /**
   * Whether changing the currency to `currency` is refused: the school has invoices, which
   * carry the currency they were written in. The settings row is held so the answer stands
   * until the change commits.
   */
  async currencyFixed(currency: string): Promise<boolean> {
    const [row] = await selectRows<{ fixed: boolean }>(
      this.tenant.manager,
      `SELECT currency <> $1 AND EXISTS (SELECT 1 FROM fee_invoices) AS fixed
         FROM school_settings WHERE id = ${SETTINGS_ROW} FOR UPDATE`,
      [currency],
    );
    return row?.fixed ?? false;
  }

  /** The registry row is the platform's: the school writes it through a function naming itself. */
  async setCorsOrigins(origins: readonly string[]): Promise<void> {
    await selectRows(this.tenant.manager, 'SELECT public.set_school_cors_origins($1::text[])', [
      origins,
    ]);
  }
}
