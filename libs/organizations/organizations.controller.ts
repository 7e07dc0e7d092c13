import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '@schoolyard/identity';
import { PlatformScoped } from '@schoolyard/tenancy';
import { DomainAvailabilityView, RegistrationView } from './dto/organization-views.dto';
import { CheckDomainQueryDto, RegisterSchoolDto } from './dto/register-school.dto';
import { RegistrationService } from './registration.service';

@ApiTags('Organizations')
@PlatformScoped()
@Public()
@Controller('api/organizations')
export class OrganizationsController {
  constructor(private readonly registration: RegistrationService) {}

  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register a school and its owner (served at the platform address)' })
  @ApiCreatedResponse({ type: RegistrationView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, with the fields at fault' })
  @ApiConflictResponse({ description: 'SUBDOMAIN_TAKEN or EMAIL_TAKEN' })
  register(@Body() request: RegisterSchoolDto): Promise<RegistrationView> {
    return this.registration.register(request);
  }

  @Get('check-domain')
  @ApiOperation({ summary: 'Whether a subdomain can still be registered' })
  @ApiOkResponse({ type: DomainAvailabilityView })
  checkDomain(@Query() query: CheckDomainQueryDto): Promise<DomainAvailabilityView> {
    return this.registration.checkDomain(query.subdomain);
  }
}
