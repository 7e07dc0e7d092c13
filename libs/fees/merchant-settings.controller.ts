import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import { MerchantSettingsDto, MerchantSettingsView } from './dto/online.dto';
import { MerchantSettingsService } from './merchant-settings.service';
import { onlinePaymentsPending } from './online.errors';

@ApiTags('Fees: online payment')
@Controller('api/fees/settings/esewa')
export class FeeMerchantSettingsController {
  constructor(
    private readonly settings: MerchantSettingsService,
    private readonly tenant: TenantContext,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({ at: 'school', access: { permissions: ['fees.manage'] } })
  @Get()
  @ApiOperation({
    summary:
      "The school's own eSewa merchant: its code and whether a secret is kept (never the secret)",
  })
  @ApiOkResponse({ type: MerchantSettingsView })
  get(): Promise<MerchantSettingsView> {
    return this.settings.get(this.tenant.manager);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [onlinePaymentsPending],
  })
  @Put()
  @ApiOperation({
    summary:
      "Set the school's own eSewa merchant code and secret key: families' online payments go to it",
  })
  @ApiOkResponse({ type: MerchantSettingsView })
  put(@Body() body: MerchantSettingsDto): Promise<MerchantSettingsView> {
    return this.settings.save(
      this.tenant.manager,
      this.tenant.school.id,
      this.principal.principal.userId,
      body,
    );
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [onlinePaymentsPending],
  })
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Forget the school's eSewa merchant: online payment stops" })
  @ApiNoContentResponse()
  remove(): Promise<void> {
    return this.settings.remove(this.tenant.manager);
  }
}
