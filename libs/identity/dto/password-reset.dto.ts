import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';

export class ForgotPasswordDto {
  @ApiProperty({ example: 'alice@example.org', description: "The account's verified email" })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the password-reset mail' })
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'token must be the token from the mail' })
  token!: string;

  @ApiProperty({
    description: 'At least 10 characters, not your username or email, not a well-known password',
  })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

export class ResetRequestedView {
  @ApiProperty({
    example: 'If an account has this verified email, a password-reset link is on its way',
  })
  message!: string;
}
