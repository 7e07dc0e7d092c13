import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ManualTenantTransaction, SchoolOrPlatformScoped } from '@schoolyard/tenancy';
import { type FastifyRequest } from 'fastify';
import { ForgotPasswordDto, ResetPasswordDto, ResetRequestedView } from '../dto/password-reset.dto';
import { Public } from './auth.decorators';
import { PasswordResets } from './password-reset.service';

const REQUESTED: ResetRequestedView = {
  message: 'If an account has this verified email, a password-reset link is on its way',
};

/** Served at every address; the mailed link always points at the platform's own host. */
@ApiTags('Auth')
@SchoolOrPlatformScoped()
@ManualTenantTransaction()
@Controller('api/auth')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResets) {}

  @Post('forgot-password')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Mail a password-reset link to an account’s verified email',
    description:
      'The same answer whether or not such an account exists. At most a few mails per ' +
      'address in a quarter of an hour; further requests are answered alike and send nothing.',
  })
  @ApiAcceptedResponse({ type: ResetRequestedView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: not an email address' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_RESET_REQUESTS from this client' })
  forgotPassword(
    @Body() body: ForgotPasswordDto,
    @Req() request: FastifyRequest,
  ): ResetRequestedView {
    this.resets.request(body.email, request.ip);
    return REQUESTED;
  }

  @Post('reset-password')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Set a new password with the mailed token; every session of the account ends',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({
    description:
      'RESET_TOKEN_INVALID, RESET_TOKEN_USED, RESET_TOKEN_EXPIRED, or VALIDATION_FAILED ' +
      '(newPassword too weak; the token still works)',
  })
  async resetPassword(@Body() body: ResetPasswordDto): Promise<void> {
    await this.resets.reset(body.token, body.newPassword);
  }
}
