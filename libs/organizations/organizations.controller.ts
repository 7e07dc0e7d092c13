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
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { RegistrationLimitGuard, registrationsLimited } from '@schoolyard/rate-limits';
import { subdomainTaken } from '@schoolyard/fleet';
import { DomainAvailabilityView, RegistrationView } from './dto/organization-views.dto';
import { CheckDomainQueryDto, CreateSchoolDto, RegisterSchoolDto } from './dto/register-school.dto';
import { emailNotVerified, emailTaken, RegistrationService } from './registration.service';

@ApiTags('Organizations')
@Controller('api/organizations')
export class OrganizationsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly caller: PrincipalContext,
  ) {}

  @Route({
    at: 'platform',
    access: 'public',
    errors: [
      subdomainTaken('oxford'),
      emailTaken,
      registrationsLimited('registration-address', 3600),
    ],
  })
  @Post('register')
  @UseGuards(RegistrationLimitGuard)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary:
      'Register a school and a new owner account (served at the platform address); a verification message goes to the owner’s email',
  })
  @ApiCreatedResponse({ type: RegistrationView })
  register(@Body() request: RegisterSchoolDto): Promise<RegistrationView> {
    return this.registration.register(request);
  }

  @Route({
    at: 'platform',
    access: { signedIn: 'any account with a verified email may create a school it will own' },
    errors: [
      emailNotVerified,
      subdomainTaken('oxford'),
      registrationsLimited('registration-address', 3600),
    ],
  })
  @Post()
  @UseGuards(RegistrationLimitGuard)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create another school owned by the signed-in account (signed in at the platform)',
  })
  @ApiCreatedResponse({ type: RegistrationView })
  create(@Body() request: CreateSchoolDto): Promise<RegistrationView> {
    return this.registration.createForAccount(this.caller.principal.userId, request);
  }

  @Route({ at: 'platform', access: 'public' })
  @Get('check-domain')
  @ApiOperation({ summary: 'Whether a subdomain can still be registered' })
  @ApiOkResponse({ type: DomainAvailabilityView })
  checkDomain(@Query() query: CheckDomainQueryDto): Promise<DomainAvailabilityView> {
    return this.registration.checkDomain(query.subdomain);
  }
}
