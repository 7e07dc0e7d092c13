import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import {
  CheckoutView,
  InitPaymentDto,
  PaymentIdParams,
  PaymentView,
  VerifyPaymentQuery,
} from './dto/payments.dto';
import { PaymentSettlement } from './payment-settlement.service';
import { PaymentsService } from './payments.service';
import {
  callbackRefused,
  paymentNotFound,
  planNotAvailable,
  providerUnavailable,
} from './billing.errors';

const EXAMPLE_PAYMENT = '00000000-0000-4000-8000-000000000000';

/** eSewa's callback, refused and recorded: one example per code the refusal can carry. */
const CALLBACK_REFUSALS = (
  [
    'malformed',
    'bad_signature',
    'wrong_merchant',
    'unknown_transaction',
    'amount_mismatch',
  ] as const
).map((reason) => callbackRefused(reason, "eSewa's callback was refused and recorded"));

/** The provider could not confirm (503), or answered with what could not be trusted (502). */
const PROVIDER_DOWN = [
  providerUnavailable(EXAMPLE_PAYMENT, 'unreachable', 'eSewa did not answer'),
  providerUnavailable(EXAMPLE_PAYMENT, 'bad_answer', 'eSewa answered with an unsigned status'),
];

/** `https://oxford.example.com`, as the browser reached this school (behind TRUST_PROXY too). */

/**
 * Payments are platform records, so these routes keep no school transaction open: the
 * services work as the API's login role and outbound calls to the provider hold no connection.
 */
@ApiTags('Payments')
@Controller('api/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly settlement: PaymentSettlement,
    private readonly tenant: TenantContext,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['billing.manage'] },
    transaction: 'manual',
    errors: [planNotAvailable('basic')],
  })
  @Post('init')
  @ApiOperation({
    summary:
      'Start paying for a plan: a pending payment and the signed eSewa form fields to post to formUrl',
  })
  @ApiCreatedResponse({ type: CheckoutView })
  init(@Body() body: InitPaymentDto): Promise<CheckoutView> {
    return this.payments.init(this.tenant.school, this.principal.principal.userId, body);
  }

  @Route({
    at: 'school',
    access: 'public',
    transaction: 'manual',
    errors: [...CALLBACK_REFUSALS, ...PROVIDER_DOWN],
  })
  @Get('verify')
  @ApiOperation({
    summary:
      "eSewa's success_url: checks the signed callback against this school's pending payment, confirms with eSewa's status API, then completes it and extends the subscription once",
  })
  @ApiOkResponse({ type: PaymentView })
  verify(@Query() query: VerifyPaymentQuery): Promise<PaymentView> {
    return this.settlement.verify(this.tenant.school.id, query.data);
  }

  @Route({ at: 'school', access: { permissions: ['billing.view'] }, transaction: 'manual' })
  @Get()
  @ApiOperation({ summary: "This school's payments, newest first (at most 100)" })
  @ApiOkResponse({ type: [PaymentView] })
  list(): Promise<PaymentView[]> {
    return this.payments.list(this.tenant.school.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['billing.view'] },
    transaction: 'manual',
    errors: [paymentNotFound],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One payment of this school' })
  @ApiOkResponse({ type: PaymentView })
  get(@Param() params: PaymentIdParams): Promise<PaymentView> {
    return this.payments.get(this.tenant.school.id, params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['billing.manage'] },
    transaction: 'manual',
    errors: [paymentNotFound, ...PROVIDER_DOWN],
  })
  @Get(':id/recheck')
  @ApiOperation({
    summary:
      "Ask eSewa's status API again about a payment that is not settled (complete payments are answered as they are)",
  })
  @ApiOkResponse({ type: PaymentView })
  recheck(@Param() params: PaymentIdParams): Promise<PaymentView> {
    return this.settlement.recheck(this.tenant.school.id, params.id);
  }
}
