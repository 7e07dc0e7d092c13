import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { ChildInvoiceParams, FamilyFeesView, OnlineCheckoutView } from './dto/online.dto';
import { FamilyFeesRepository } from './family-fees.repository';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { nothingToPay, onlinePaymentCurrency, onlinePaymentNotSetUp } from './online.errors';
import { OnlinePaymentsService } from './online-payments.service';

@ApiTags('Fees: families')
@Controller('api/guardians/my-children')
export class ChildFeesController {
  constructor(
    private readonly family: FamilyFeesRepository,
    private readonly online: OnlinePaymentsService,
    private readonly caller: CallerScope,
    private readonly tenant: TenantContext,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a guardian reads only the children linked to their own profile' },
    errors: [feeThingNotFound('student')],
  })
  @Get(':id/fees')
  @ApiOperation({
    summary:
      "The signed-in guardian's child's fees: invoices, receipts, credit, and whether the school takes eSewa; 404 for anyone else's child",
  })
  @ApiOkResponse({ type: FamilyFeesView })
  async child(@Param() params: IdParams): Promise<FamilyFeesView> {
    const view = await this.family.account('guardian', this.caller.own().userId, params.id);
    if (!view) throw feeThingNotFound('student')();
    return view;
  }

  @Route({
    at: 'school',
    access: {
      signedIn: 'a guardian pays only the invoices of children linked to their own profile',
    },
    transaction: 'manual',
    errors: [
      feeThingNotFound('student'),
      feeThingNotFound('invoice'),
      onlinePaymentNotSetUp,
      () => invoiceStatusRefused('paid', ['issued', 'partly_paid']),
      nothingToPay,
      onlinePaymentCurrency,
    ],
  })
  @Post(':id/fees/invoices/:invoiceId/esewa')
  @ApiOperation({
    summary:
      "Start paying the child's invoice through the school's eSewa merchant: a pending payment of the balance and the signed form to post to formUrl",
  })
  @ApiCreatedResponse({ type: OnlineCheckoutView })
  pay(@Param() params: ChildInvoiceParams): Promise<OnlineCheckoutView> {
    return this.online.start(this.tenant.school, this.caller.own(), params.id, params.invoiceId);
  }
}

@ApiTags('Fees: families')
@Controller('api/fees/my-account')
export class MyFeesController {
  constructor(
    private readonly family: FamilyFeesRepository,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a student reads only their own account' },
    errors: [feeThingNotFound('student')],
  })
  @Get()
  @ApiOperation({
    summary:
      "The signed-in student's own fees: invoices, receipts, credit; 404 for anyone not a student here",
  })
  @ApiOkResponse({ type: FamilyFeesView })
  async own(): Promise<FamilyFeesView> {
    const view = await this.family.account('self', this.caller.own().userId, null);
    if (!view) throw feeThingNotFound('student')();
    return view;
  }
}
