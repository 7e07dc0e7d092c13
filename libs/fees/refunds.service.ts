import { Injectable } from '@nestjs/common';
import { type ScopedCaller } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type RefundCreditDto,
  type RefundPage,
  type RefundView,
  type StudentFilterQuery,
} from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { creditBalance, lockStudentAccount, takeNumbers } from './fees-ledger';
import { insufficientCredit } from './payments.errors';
import { RefundsRepository } from './refunds.repository';
import { StudentAccountsRepository } from './student-accounts.repository';

/**
 * Paying a student's credit back out. The account is locked before its balance is read, so
 * two refunds at once are checked one after the other and never spend the same credit twice.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly refunds: RefundsRepository,
    private readonly accounts: StudentAccountsRepository,
  ) {}

  async refund(
    caller: ScopedCaller,
    studentId: string,
    refund: RefundCreditDto,
  ): Promise<RefundView> {
    const manager = this.tenant.manager;
    if (!(await lockStudentAccount(manager, studentId))) throw feeThingNotFound('student')();
    const balance = await creditBalance(manager, studentId);
    const amount = BigInt(refund.amountMinor);
    if (balance < amount) {
      throw insufficientCredit(balance, await this.accounts.currency());
    }
    const number = await takeNumbers(manager, 'refund');
    const id = await this.refunds.write(number, studentId, refund, caller.userId);
    return (await this.refunds.byId(id))!;
  }

  list(query: StudentFilterQuery): Promise<RefundPage> {
    return this.refunds.page(query);
  }
}
