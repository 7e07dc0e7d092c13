import { Injectable } from '@nestjs/common';
import { deleteUnlessInUse, execute, oneRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type LateFineRuleView } from './dto/setup.dto';
import { feeThingNotFound } from './fees.errors';
import { SCHOOL_CURRENCY_SQL } from './fees-ledger';

const ruleNotFound = feeThingNotFound('late fine rule');

// to_json keeps a bigint a JSON number all the way to the answer, never a float.
const RULE_SELECT = `SELECT r.id, r.name, r.grace_days AS "graceDays",
    to_json(r.amount_minor) AS "amountMinor", r.percent::float8 AS percent, r.active,
    ${SCHOOL_CURRENCY_SQL} AS currency, r.created_at AS "createdAt"
  FROM fee_late_fine_rules r`;

export interface LateFineRuleRow {
  name: string;
  graceDays: number;
  amountMinor: number | null;
  percent: number | null;
  active: boolean;
}

/** Late fine rules: what is added to an invoice still owed some days after its due day. */
@Injectable()
export class LateFineRulesRepository {
  constructor(private readonly tenant: TenantContext) {}

  all(): Promise<LateFineRuleView[]> {
    return selectRows(this.tenant.manager, `${RULE_SELECT} ORDER BY r.grace_days, lower(r.name)`);
  }

  find(id: string): Promise<LateFineRuleView> {
    return oneRow(this.tenant.manager, `${RULE_SELECT} WHERE r.id = $1`, [id], ruleNotFound);
  }

  /** The stored rule, held until the transaction ends so a change is made on what was read. */
  lock(id: string): Promise<LateFineRuleRow> {
    return oneRow(
      this.tenant.manager,
      `SELECT name, grace_days AS "graceDays", to_json(amount_minor) AS "amountMinor",
              percent::float8 AS percent, active
         FROM fee_late_fine_rules WHERE id = $1 FOR UPDATE`,
      [id],
      ruleNotFound,
    );
  }

  async insert(rule: LateFineRuleRow): Promise<string> {
    const [row] = await selectRows<{ id: string }>(
      this.tenant.manager,
      `INSERT INTO fee_late_fine_rules (name, grace_days, amount_minor, percent, active)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [rule.name, rule.graceDays, rule.amountMinor, rule.percent, rule.active],
    );
    return row.id;
  }

  async update(id: string, rule: LateFineRuleRow): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE fee_late_fine_rules
          SET name = $2, grace_days = $3, amount_minor = $4, percent = $5, active = $6
        WHERE id = $1`,
      [id, rule.name, rule.graceDays, rule.amountMinor, rule.percent, rule.active],
    );
  }

  /** A rule that fined an invoice stays (deactivate it instead): the line names it. */
  delete(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'fee_late_fine_rules',
      id,
      { invoiceLines: 'SELECT count(*) FROM fee_invoice_lines WHERE late_fine_rule_id = $1' },
      ruleNotFound,
    );
  }
}
