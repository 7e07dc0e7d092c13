import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '../auth/principal';
import {
  emailAlreadyVerified,
  noEmailToVerify,
  tooManyPasswordFailures,
  verificationMailTooSoon,
  verificationTokenExpired,
  verificationTokenInvalid,
  verificationTokenUsed,
  verifiedElsewhere,
  wrongPassword,
} from './account.errors';
import {
  ChangeEmailDto,
  VerificationSentView,
  VerifiedEmailView,
  VerifyEmailDto,
} from './dto/email-verification.dto';
import { EmailVerification } from './email-verification.service';

/**
 * The account's email and its proof. Served at the platform's address (where the mailed link
 * points) and at a school's, for a member signed in there; the work is on platform tables, so
 * no school transaction is opened.
 */
@ApiTags('Auth')
@Controller('api/auth')
export class EmailVerificationController {
  constructor(
    private readonly verification: EmailVerification,
    private readonly caller: PrincipalContext,
  ) {}

  @Route({
    at: 'school-or-platform',
    access: 'public',
    transaction: 'manual',
    errors: [
      verificationTokenUsed,
      verificationTokenExpired,
      verificationTokenInvalid,
      verifiedElsewhere,
    ],
  })
  @Post('verify-email')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Prove an email with the mailed token (once): it becomes the account’s, and unverified claims of it by other accounts are released',
  })
  @ApiOkResponse({ type: VerifiedEmailView })
  verify(@Body() body: VerifyEmailDto): Promise<VerifiedEmailView> {
    return this.verification.verify(body.token);
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may ask to prove their own email' },
    transaction: 'manual',
    errors: [emailAlreadyVerified, noEmailToVerify, verificationMailTooSoon(60)],
  })
  @Post('resend-verification')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send the verification message again (at most once a minute)' })
  @ApiAcceptedResponse({ type: VerificationSentView })
  resend(): Promise<VerificationSentView> {
    return this.verification.resend(this.caller.principal);
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may change their own email, with their password' },
    transaction: 'manual',
    errors: [
      wrongPassword,
      emailAlreadyVerified,
      verificationMailTooSoon(60),
      tooManyPasswordFailures(60),
    ],
  })
  @Post('email')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Add or change the account’s email: a verification goes to the new address; a verified address stays until the new one is proved',
  })
  @ApiAcceptedResponse({ type: VerificationSentView })
  changeEmail(@Body() body: ChangeEmailDto): Promise<VerificationSentView> {
    return this.verification.changeEmail(this.caller.principal, body.email, body.password);
  }
}
