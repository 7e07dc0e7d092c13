import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PlanView, SubscriptionView } from './dto/billing.dto';
import { Subscriptions } from './subscriptions.service';

@ApiTags('Billing')
@Controller('api/billing')
export class BillingController {
  constructor(private readonly subscriptions: Subscriptions) {}

  @Route({ at: 'school', access: { permissions: ['billing.view'] } })
  @Get('subscription')
  @ApiOperation({
    summary:
      "This school's plan, subscription state and period, and how much of its limits it uses",
  })
  @ApiOkResponse({ type: SubscriptionView })
  subscription(): Promise<SubscriptionView> {
    return this.subscriptions.current();
  }

  @Route({ at: 'school', access: { permissions: ['billing.view'] }, transaction: 'manual' })
  @Get('plans')
  @ApiOperation({ summary: 'The plans on offer, with their prices (minor units) and limits' })
  @ApiOkResponse({ type: [PlanView] })
  plans(): Promise<PlanView[]> {
    return this.subscriptions.plans();
  }
}
