import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { MetricsModule } from '@schoolyard/metrics';
import { EmailVerificationController } from './account/email-verification.controller';
import { AccountEmailsRepository } from './account/account-emails.repository';
import { EmailVerification } from './account/email-verification.service';
import { AccountTokensRepository } from './account-tokens.repository';
import { AccessTokenStrategy } from './auth/access-token.strategy';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { AuthSessionsRepository } from './auth/auth-sessions.repository';
import { AuthSessions } from './auth/auth-sessions.service';
import { AuthTokens, TOKEN_ISSUER } from './auth/auth-tokens.service';
import { AuthenticationGuard } from './auth/authentication.guard';
import { DeviceTokens } from './auth/device-tokens';
import { PasswordResetController } from './auth/password-reset.controller';
import { PasswordResets } from './auth/password-reset.service';
import { PrincipalContext } from './auth/principal';
import { SchoolProfilesRepository } from './auth/school-profiles.repository';
import { SessionsController } from './auth/sessions.controller';
import { SignInThrottle } from './auth/sign-in-throttle';
import { RateLimitsModule } from '@schoolyard/rate-limits';
import { Passwords } from './passwords.service';
import { PlatformAdmins } from './platform-admin';
import { UsersRepository } from './users.repository';

const exported = [
  Passwords,
  AuthenticationGuard,
  PrincipalContext,
  AuthSessions,
  AuthTokens,
  PlatformAdmins,
  // Registration writes the owner's verification token and message in its own transaction.
  AccountTokensRepository,
];

@Module({
  imports: [
    MetricsModule,
    // The sign-in throttles count where the rate limits do (Redis when configured).
    RateLimitsModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER },
        verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER },
      }),
    }),
  ],
  controllers: [
    AuthController,
    EmailVerificationController,
    SessionsController,
    PasswordResetController,
  ],
  providers: [
    ...exported,
    AuthService,
    AccessTokenStrategy,
    EmailVerification,
    SignInThrottle,
    DeviceTokens,
    PasswordResets,
    UsersRepository,
    AuthSessionsRepository,
    AccountEmailsRepository,
    SchoolProfilesRepository,
  ],
  exports: exported,
})
export class IdentityModule {}
