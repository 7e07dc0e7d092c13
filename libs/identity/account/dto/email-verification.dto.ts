import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token from the verification message' })
  @IsString()
  // Tokens are 32 random bytes in base64url; anything else cannot be one.
  @Matches(/^[A-Za-z0-9_-]{20,100}$/, { message: 'token is not a verification token' })
  token!: string;
}

export class ChangeEmailDto {
  @ApiProperty({ example: 'alice@oxford.example' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: "The account's current password" })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class VerifiedEmailView {
  @ApiProperty({ example: 'alice@oxford.example' }) email!: string;
  @ApiProperty({ example: true }) verified!: boolean;
}

export class VerificationSentView {
  @ApiProperty({ example: 'alice@oxford.example', description: 'Where the message went' })
  email!: string;
}
