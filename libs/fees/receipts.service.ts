import { Injectable } from '@nestjs/common';
import { type ReceiptPage, type ReceiptsQuery, type ReceiptView } from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { ReceiptsRepository } from './receipts.repository';

/** Reading receipts: every one of the school's, for those who see the fees. */
@Injectable()
export class ReceiptsService {
  constructor(private readonly receipts: ReceiptsRepository) {}

  async one(id: string): Promise<ReceiptView> {
    const receipt = await this.receipts.byId(id);
    if (!receipt) throw feeThingNotFound('receipt')();
    return receipt;
  }

  list(query: ReceiptsQuery): Promise<ReceiptPage> {
    return this.receipts.page(query);
  }
}
