import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PrincipalContext, Public } from '@schoolyard/identity';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped, TenantContext } from '@schoolyard/tenancy';
import {
  CheckoutView,
  InitPaymentDto,
  PaymentIdParams,
  PaymentView,
  VerifyPaymentQuery,
} from './dto/payments.dto';
import { PaymentSettlement } from './payment-settlement.service';
import { PaymentsService } from './payments.service';

const PROVIDER_DOWN =
  'PAYMENT_PROVIDER_UNAVAILABLE: the provider could not confirm; the payment stays pending (502 for an answer that could not be trusted)';

/** `https://oxford.example.com`, as the browser reached this school (behind TRUST_PROXY too). */

/**
 * Payments are platform records, so these routes keep no school transaction open: the
 * services work as the API's login role and outbound calls to the provider hold no connection.
 */
@ApiTags('Payments')
@SchoolScoped()
@ManualTenantTransaction()
@Controller('api/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly settlement: PaymentSettlement,
    private readonly tenant: TenantContext,
    private readonly principal: PrincipalContext,
  ) {}

  @Post('init')
  @ApiBearerAuth()
  @RequirePermissions('billing.manage')
  @ApiOperation({
    summary:
      'Start paying for a plan: a pending payment and the signed eSewa form fields to post to formUrl',
  })
  @ApiCreatedResponse({ type: CheckoutView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED or PLAN_NOT_AVAILABLE' })
  init(@Body() body: InitPaymentDto): Promise<CheckoutView> {
    return this.payments.init(this.tenant.school, this.principal.principal.userId, body);
  }

  @Get('verify')
  @Public()
  @ApiOperation({
    summary:
      "eSewa's success_url: checks the signed callback against this school's pending payment, confirms with eSewa's status API, then completes it and extends the subscription once",
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiBadRequestResponse({
    description:
      'PAYMENT_CALLBACK_MALFORMED, _SIGNATURE_INVALID, _WRONG_MERCHANT, _UNKNOWN_TRANSACTION or _AMOUNT_MISMATCH (recorded)',
  })
  @ApiServiceUnavailableResponse({ description: PROVIDER_DOWN })
  @ApiBadGatewayResponse({ description: PROVIDER_DOWN })
  verify(@Query() query: VerifyPaymentQuery): Promise<PaymentView> {
    return this.settlement.verify(this.tenant.school.id, query.data);
  }

  @Get()
  @ApiBearerAuth()
  @RequirePermissions('billing.view')
  @ApiOperation({ summary: "This school's payments, newest first (at most 100)" })
  @ApiOkResponse({ type: [PaymentView] })
  list(): Promise<PaymentView[]> {
    return this.payments.list(this.tenant.school.id);
  }

  @Get(':id')
  @ApiBearerAuth()
  @RequirePermissions('billing.view')
  @ApiOperation({ summary: 'One payment of this school' })
  @ApiOkResponse({ type: PaymentView })
  get(@Param() params: PaymentIdParams): Promise<PaymentView> {
    return this.payments.get(this.tenant.school.id, params.id);
  }

  @Get(':id/recheck')
  @ApiBearerAuth()
  @RequirePermissions('billing.manage')
  @ApiOperation({
    summary:
      "Ask eSewa's status API again about a payment that is not settled (complete payments are answered as they are)",
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiServiceUnavailableResponse({ description: PROVIDER_DOWN })
  @ApiBadGatewayResponse({ description: PROVIDER_DOWN })
  recheck(@Param() params: PaymentIdParams): Promise<PaymentView> {
    return this.settlement.recheck(this.tenant.school.id, params.id);
  }
}
