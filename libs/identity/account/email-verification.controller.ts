import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ManualTenantTransaction, SchoolOrPlatformScoped } from '@schoolyard/tenancy';
import { NoPermissionRequired, Public } from '../auth/auth.decorators';
import { ACCESS_COOKIE } from '../auth/auth.cookies';
import { PrincipalContext } from '../auth/principal';
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
@SchoolOrPlatformScoped()
@ManualTenantTransaction()
@Controller('api/auth')
export class EmailVerificationController {
  constructor(
    private readonly verification: EmailVerification,
    private readonly caller: PrincipalContext,
  ) {}

  @Post('verify-email')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Prove an email with the mailed token (once): it becomes the account’s, and unverified claims of it by other accounts are released',
  })
  @ApiOkResponse({ type: VerifiedEmailView })
  @ApiBadRequestResponse({
    description:
      'VERIFICATION_TOKEN_USED, VERIFICATION_TOKEN_EXPIRED, VERIFICATION_TOKEN_INVALID or VALIDATION_FAILED',
  })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN: another account has verified this email' })
  verify(@Body() body: VerifyEmailDto): Promise<VerifiedEmailView> {
    return this.verification.verify(body.token);
  }

  @Post('resend-verification')
  @ApiBearerAuth()
  @ApiCookieAuth(ACCESS_COOKIE)
  @NoPermissionRequired('anyone signed in may ask to prove their own email')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send the verification message again (at most once a minute)' })
  @ApiAcceptedResponse({ type: VerificationSentView })
  @ApiConflictResponse({ description: 'EMAIL_ALREADY_VERIFIED or NO_EMAIL' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED, with Retry-After' })
  resend(): Promise<VerificationSentView> {
    return this.verification.resend(this.caller.principal);
  }

  @Post('email')
  @ApiBearerAuth()
  @ApiCookieAuth(ACCESS_COOKIE)
  @NoPermissionRequired('anyone signed in may change their own email, with their password')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Add or change the account’s email: a verification goes to the new address; a verified address stays until the new one is proved',
  })
  @ApiAcceptedResponse({ type: VerificationSentView })
  @ApiBadRequestResponse({ description: 'INVALID_CURRENT_PASSWORD or VALIDATION_FAILED' })
  @ApiConflictResponse({ description: 'EMAIL_ALREADY_VERIFIED: that is already your address' })
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED or TOO_MANY_ATTEMPTS, with Retry-After',
  })
  changeEmail(@Body() body: ChangeEmailDto): Promise<VerificationSentView> {
    return this.verification.changeEmail(this.caller.principal, body.email, body.password);
  }
}
