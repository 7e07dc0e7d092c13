import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { callbackRefused } from '@schoolyard/billing';
import { IdParams, Route } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { EsewaVerifyQuery, OnlinePaymentsQuery, OnlinePaymentView } from './dto/online.dto';
import { feeThingNotFound } from './fees.errors';
import {
  feeProviderUnavailable,
  onlinePaymentCurrency,
  onlinePaymentNotSetUp,
} from './online.errors';
import { OnlinePaymentsService } from './online-payments.service';

const EXAMPLE_PAYMENT = '00000000-0000-4000-8000-000000000000';

const CALLBACK_REFUSALS = (
  [
    'malformed',
    'bad_signature',
    'wrong_merchant',
    'unknown_transaction',
    'amount_mismatch',
  ] as const
).map((reason) => callbackRefused(reason, "eSewa's callback was refused and recorded"));

const PROVIDER_DOWN = [
  feeProviderUnavailable(EXAMPLE_PAYMENT, 'unreachable', 'eSewa did not answer'),
  feeProviderUnavailable(
    EXAMPLE_PAYMENT,
    'bad_answer',
    'eSewa answered with what cannot be trusted',
  ),
];

/**
 * Families' eSewa payments at the school's address. These routes ask eSewa over the network,
 * so they open short school transactions themselves and hold none while waiting for it.
 */
@ApiTags('Fees: online payment')
@Controller('api/fees')
export class FeeOnlinePaymentsController {
  constructor(
    private readonly online: OnlinePaymentsService,
    private readonly tenant: TenantContext,
  ) {}

  @Route({
    at: 'school',
    access: 'public',
    transaction: 'manual',
    errors: [...CALLBACK_REFUSALS, ...PROVIDER_DOWN, onlinePaymentCurrency],
  })
  @Get('esewa/verify')
  @ApiOperation({
    summary:
      "eSewa's success_url for fees: checks the callback against the school's merchant and pending payment, confirms with eSewa's status API, then writes the receipt once",
  })
  @ApiOkResponse({ type: OnlinePaymentView })
  verify(@Query() query: EsewaVerifyQuery): Promise<OnlinePaymentView> {
    return this.online.verify(this.tenant.school, query.data);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] }, transaction: 'manual' })
  @Get('online-payments')
  @ApiOperation({ summary: "Families' eSewa payments, newest first (at most 200)" })
  @ApiOkResponse({ type: [OnlinePaymentView] })
  list(@Query() query: OnlinePaymentsQuery): Promise<OnlinePaymentView[]> {
    return this.online.list(this.tenant.school, query.studentId ?? null);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.collect'] },
    transaction: 'manual',
    errors: [
      feeThingNotFound('online payment'),
      onlinePaymentNotSetUp,
      onlinePaymentCurrency,
      ...PROVIDER_DOWN,
    ],
  })
  @Post('online-payments/:id/recheck')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Ask eSewa's status API again about a family's payment that is not complete (a complete one is answered as it is)",
  })
  @ApiOkResponse({ type: OnlinePaymentView })
  recheck(@Param() params: IdParams): Promise<OnlinePaymentView> {
    return this.online.recheck(this.tenant.school, params.id);
  }
}
