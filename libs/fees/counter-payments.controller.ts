import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import { CounterPaymentsService } from './counter-payments.service';
import { ReceiptView, TakePaymentDto } from './dto/payments.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { receivedInTheFuture } from './payments.errors';

@ApiTags('Fees: payments')
@Controller('api/fees/invoices')
export class FeeCounterPaymentsController {
  constructor(
    private readonly payments: CounterPaymentsService,
    private readonly scope: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['fees.collect'] },
    errors: [
      feeThingNotFound('invoice'),
      invoiceStatusRefused('void', ['issued', 'partly_paid', 'paid']),
      receivedInTheFuture,
    ],
  })
  @Post(':id/payments')
  @ApiOperation({
    summary:
      "Take a payment at the counter: the invoice's balance first, the rest to the student's credit",
  })
  @ApiCreatedResponse({ type: ReceiptView })
  take(@Param() { id }: IdParams, @Body() payment: TakePaymentDto): Promise<ReceiptView> {
    return this.payments.take(this.scope.current(), id, payment);
  }
}
