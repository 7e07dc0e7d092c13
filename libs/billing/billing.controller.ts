import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import { PlanView, SubscriptionView } from './dto/billing.dto';
import { Subscriptions } from './subscriptions.service';

@ApiTags('Billing')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/billing')
export class BillingController {
  constructor(private readonly subscriptions: Subscriptions) {}

  @Get('subscription')
  @RequirePermissions('billing.view')
  @ApiOperation({
    summary:
      "This school's plan, subscription state and period, and how much of its limits it uses",
  })
  @ApiOkResponse({ type: SubscriptionView })
  subscription(): Promise<SubscriptionView> {
    return this.subscriptions.current();
  }

  @Get('plans')
  @ManualTenantTransaction()
  @RequirePermissions('billing.view')
  @ApiOperation({ summary: 'The plans on offer, with their prices (minor units) and limits' })
  @ApiOkResponse({ type: [PlanView] })
  plans(): Promise<PlanView[]> {
    return this.subscriptions.plans();
  }
}
