import { Injectable } from '@nestjs/common';
import { nothingToChange } from '@schoolyard/common';
import {
  type LateFineRuleDto,
  type LateFineRuleView,
  type UpdateLateFineRuleDto,
} from './dto/setup.dto';
import { LateFineRulesRepository } from './late-fine-rules.repository';
import { badFeeInput } from './setup.errors';

/**
 * A late fine is a fixed amount or a share of what is owed, never both. Applying fines to
 * invoices is the invoices' work; here the school only says what its rules are.
 */
@Injectable()
export class LateFineRulesService {
  constructor(private readonly rules: LateFineRulesRepository) {}

  async list(): Promise<{ data: LateFineRuleView[] }> {
    return { data: await this.rules.all() };
  }

  async create(rule: LateFineRuleDto): Promise<LateFineRuleView> {
    if ((rule.amountMinor === undefined) === (rule.percent === undefined)) {
      throw badFeeInput('amountMinor', 'send exactly one of amountMinor and percent');
    }
    const id = await this.rules.insert({
      name: rule.name,
      graceDays: rule.graceDays,
      amountMinor: rule.amountMinor ?? null,
      percent: rule.percent ?? null,
      active: rule.active ?? true,
    });
    return this.rules.find(id);
  }

  /** Sending amountMinor makes the fine fixed (its percent goes), and percent the reverse. */
  async update(id: string, changes: UpdateLateFineRuleDto): Promise<LateFineRuleView> {
    if (Object.values(changes).every((value) => value === undefined)) throw nothingToChange();
    if (changes.amountMinor !== undefined && changes.percent !== undefined) {
      throw badFeeInput('amountMinor', 'send at most one of amountMinor and percent');
    }
    const stored = await this.rules.lock(id);
    const fixed = changes.amountMinor !== undefined;
    const share = changes.percent !== undefined;
    await this.rules.update(id, {
      name: changes.name ?? stored.name,
      graceDays: changes.graceDays ?? stored.graceDays,
      amountMinor: share ? null : (changes.amountMinor ?? stored.amountMinor),
      percent: fixed ? null : (changes.percent ?? stored.percent),
      active: changes.active ?? stored.active,
    });
    return this.rules.find(id);
  }

  remove(id: string): Promise<void> {
    return this.rules.delete(id);
  }
}
