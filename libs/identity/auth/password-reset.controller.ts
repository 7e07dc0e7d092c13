import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { type FastifyRequest } from 'fastify';
import { ForgotPasswordDto, ResetPasswordDto, ResetRequestedView } from '../dto/password-reset.dto';
import {
  resetTokenExpired,
  resetTokenInvalid,
  resetTokenUsed,
  tooManyResetRequests,
} from './password-reset.errors';
import { PasswordResets } from './password-reset.service';

const REQUESTED: ResetRequestedView = {
  message: 'If an account has this verified email, a password-reset link is on its way',
};

/** Served at every address; the mailed link always points at the platform's own host. */
@ApiTags('Auth')
@Controller('api/auth')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResets) {}

  @Route({
    at: 'school-or-platform',
    access: 'public',
    transaction: 'manual',
    errors: [tooManyResetRequests(60)],
  })
  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Mail a password-reset link to an account’s verified email',
    description:
      'The same answer whether or not such an account exists. At most a few mails per ' +
      'address in a quarter of an hour; further requests are answered alike and send nothing.',
  })
  @ApiAcceptedResponse({ type: ResetRequestedView })
  forgotPassword(
    @Body() body: ForgotPasswordDto,
    @Req() request: FastifyRequest,
  ): ResetRequestedView {
    this.resets.request(body.email, request.ip);
    return REQUESTED;
  }

  @Route({
    at: 'school-or-platform',
    access: 'public',
    transaction: 'manual',
    errors: [resetTokenInvalid, resetTokenUsed, resetTokenExpired],
  })
  @Post('reset-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Set a new password with the mailed token; every session of the account ends',
  })
  @ApiNoContentResponse({
    description: 'A newPassword too weak is VALIDATION_FAILED, and the token still works',
  })
  async resetPassword(@Body() body: ResetPasswordDto): Promise<void> {
    await this.resets.reset(body.token, body.newPassword);
  }
}
