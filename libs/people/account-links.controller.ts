import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import {
  AccountLinks,
  linkForAnotherAccount,
  linkTokenInvalid,
  personNoLongerActive,
} from './account-links.service';
import { AcceptedLinkView, AcceptLinkDto } from './dto/account-links.dto';
import { invalidCredentials } from '@schoolyard/identity';

@ApiTags('Auth')
@Controller('api/auth')
export class AccountLinksController {
  constructor(private readonly links: AccountLinks) {}

  @Route({
    at: 'school-or-platform',
    access: {
      signedIn: 'the token and the account holder prove the right to link',
      optional: true,
    },
    transaction: 'manual',
    errors: [linkTokenInvalid, invalidCredentials, linkForAnotherAccount, personNoLongerActive],
  })
  @Post('accept-link')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Link your account to a school that invited you (by mail) as one of its people',
    description:
      'Signed in as the invited account (any address), or anonymous with its password. The token works once and expires.',
  })
  @ApiOkResponse({ type: AcceptedLinkView })
  accept(@Body() body: AcceptLinkDto): Promise<AcceptedLinkView> {
    return this.links.accept(body.token, body.password);
  }
}
