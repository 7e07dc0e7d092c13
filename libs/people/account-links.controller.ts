import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NoPermissionRequired, OptionalSignIn } from '@schoolyard/identity';
import { ManualTenantTransaction, SchoolOrPlatformScoped } from '@schoolyard/tenancy';
import { AccountLinks } from './account-links.service';
import { AcceptedLinkView, AcceptLinkDto } from './dto/account-links.dto';

@ApiTags('Auth')
@SchoolOrPlatformScoped()
@ManualTenantTransaction()
@Controller('api/auth')
export class AccountLinksController {
  constructor(private readonly links: AccountLinks) {}

  @Post('accept-link')
  @HttpCode(HttpStatus.OK)
  @OptionalSignIn()
  @NoPermissionRequired('the token and the account holder prove the right to link')
  @ApiOperation({
    summary: 'Link your account to a school that invited you (by mail) as one of its people',
    description:
      'Signed in as the invited account (any address), or anonymous with its password. The token works once and expires.',
  })
  @ApiOkResponse({ type: AcceptedLinkView })
  @ApiBadRequestResponse({ description: 'LINK_TOKEN_INVALID, or VALIDATION_FAILED' })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS or AUTHENTICATION_REQUIRED' })
  @ApiForbiddenResponse({ description: 'LINK_FOR_ANOTHER_ACCOUNT' })
  @ApiConflictResponse({ description: 'PERSON_NOT_ACTIVE' })
  accept(@Body() body: AcceptLinkDto): Promise<AcceptedLinkView> {
    return this.links.accept(body.token, body.password);
  }
}
