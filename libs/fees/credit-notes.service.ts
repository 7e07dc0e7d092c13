import { Injectable } from '@nestjs/common';
import { minorUnitsOf } from '@schoolyard/billing';
import { type ScopedCaller } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type CreditNotePage,
  type CreditNoteView,
  type IssueCreditNoteDto,
  type StudentFilterQuery,
} from './dto/payments.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { takeNumbers } from './fees-ledger';
import { CreditNotesRepository } from './credit-notes.repository';
import { creditNoteTooLarge } from './payments.errors';

const CREDITABLE = ['issued', 'partly_paid', 'paid'] as const;

/**
 * Credit notes reduce what an invoice asks. When the invoice was already paid beyond what it
 * now asks, that paid money is the family's again: it leaves the invoice for the student's
 * credit, to be refunded or kept. Receipts are history and keep what they applied.
 */
@Injectable()
export class CreditNotesService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly notes: CreditNotesRepository,
  ) {}

  async issue(
    caller: ScopedCaller,
    invoiceId: string,
    note: IssueCreditNoteDto,
  ): Promise<CreditNoteView> {
    // Locked first: a payment or another note of this invoice waits, then reads our money.
    const invoice = await this.notes.lockInvoice(invoiceId);
    if (!invoice) throw feeThingNotFound('invoice')();
    if (!(CREDITABLE as readonly string[]).includes(invoice.status)) {
      throw invoiceStatusRefused(invoice.status, CREDITABLE);
    }
    const amount = BigInt(note.amountMinor);
    const total = minorUnitsOf(invoice.total_minor);
    const creditable = total - minorUnitsOf(invoice.credited_minor);
    if (amount > creditable) throw creditNoteTooLarge(creditable, invoice.currency);
    const asks = creditable - amount;
    const paid = minorUnitsOf(invoice.paid_minor);
    const moved = paid > asks ? paid - asks : 0n;
    const number = await takeNumbers(this.tenant.manager, 'credit_note');
    const id = await this.notes.write({
      number,
      invoiceId,
      studentId: invoice.student_id,
      amountMinor: amount,
      reason: note.reason,
      movedMinor: moved,
      userId: caller.userId,
    });
    return (await this.notes.byId(id))!;
  }

  list(query: StudentFilterQuery): Promise<CreditNotePage> {
    return this.notes.page(query);
  }
}
