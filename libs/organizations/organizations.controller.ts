import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NoPermissionRequired, PrincipalContext, Public } from '@schoolyard/identity';
import { RegistrationLimitGuard } from '@schoolyard/rate-limits';
import { PlatformScoped } from '@schoolyard/tenancy';
import { DomainAvailabilityView, RegistrationView } from './dto/organization-views.dto';
import { CheckDomainQueryDto, CreateSchoolDto, RegisterSchoolDto } from './dto/register-school.dto';
import { RegistrationService } from './registration.service';

const LIMITED =
  'RATE_LIMITED, with Retry-After: registrations are limited per address and across the platform, per hour';

@ApiTags('Organizations')
@PlatformScoped()
@Controller('api/organizations')
export class OrganizationsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly caller: PrincipalContext,
  ) {}

  @Post('register')
  @Public()
  @UseGuards(RegistrationLimitGuard)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary:
      'Register a school and a new owner account (served at the platform address); a verification message goes to the owner’s email',
  })
  @ApiCreatedResponse({ type: RegistrationView })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED, with the fields at fault (owner.password: the password policy)',
  })
  @ApiConflictResponse({
    description:
      'SUBDOMAIN_TAKEN, or EMAIL_TAKEN when an account has verified the email: sign in and POST /api/organizations',
  })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  register(@Body() request: RegisterSchoolDto): Promise<RegistrationView> {
    return this.registration.register(request);
  }

  @Post()
  @ApiBearerAuth()
  @ApiCookieAuth('sy_access')
  @NoPermissionRequired('any account with a verified email may create a school it will own')
  @UseGuards(RegistrationLimitGuard)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create another school owned by the signed-in account (signed in at the platform)',
  })
  @ApiCreatedResponse({ type: RegistrationView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, with the fields at fault' })
  @ApiUnauthorizedResponse({ description: 'AUTHENTICATION_REQUIRED' })
  @ApiForbiddenResponse({ description: 'EMAIL_NOT_VERIFIED: verify the account’s email first' })
  @ApiConflictResponse({ description: 'SUBDOMAIN_TAKEN' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  create(@Body() request: CreateSchoolDto): Promise<RegistrationView> {
    return this.registration.createForAccount(this.caller.principal.userId, request);
  }

  @Get('check-domain')
  @Public()
  @ApiOperation({ summary: 'Whether a subdomain can still be registered' })
  @ApiOkResponse({ type: DomainAvailabilityView })
  checkDomain(@Query() query: CheckDomainQueryDto): Promise<DomainAvailabilityView> {
    return this.registration.checkDomain(query.subdomain);
  }
}
