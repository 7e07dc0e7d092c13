import { Injectable } from '@nestjs/common';
import {
  type InvoiceDetailView,
  type InvoiceListQuery,
  type InvoicePage,
} from './dto/invoices.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { invoiceHasMoney } from './invoices.errors';
import { InvoicesRepository } from './invoices.repository';

const invoiceNotFound = feeThingNotFound('invoice');

@Injectable()
export class InvoicesService {
  constructor(private readonly invoices: InvoicesRepository) {}

  list(query: InvoiceListQuery): Promise<InvoicePage> {
    return this.invoices.list(query);
  }

  async get(id: string): Promise<InvoiceDetailView> {
    const invoice = await this.invoices.find(id);
    if (!invoice) throw invoiceNotFound();
    return invoice;
  }

  async issue(id: string): Promise<InvoiceDetailView> {
    const held = await this.invoices.lock(id);
    if (!held) throw invoiceNotFound();
    if (held.status !== 'draft') throw invoiceStatusRefused(held.status, ['draft']);
    await this.invoices.issue(id);
    return this.get(id);
  }

  /**
   * Only an invoice no money touched may be voided: a receipt or a credit note must keep
   * pointing at a live invoice. Voiding frees the period, so the next run bills it again.
   */
  async void(id: string, reason: string, callerUserId: string): Promise<InvoiceDetailView> {
    const held = await this.invoices.lock(id);
    if (!held) throw invoiceNotFound();
    if (held.status === 'void') {
      throw invoiceStatusRefused(held.status, ['draft', 'issued', 'partly_paid', 'paid']);
    }
    if (held.hasMoney) throw invoiceHasMoney();
    await this.invoices.void(id, reason, callerUserId);
    return this.get(id);
  }
}
