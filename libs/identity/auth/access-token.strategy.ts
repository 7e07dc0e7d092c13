import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type FastifyRequest } from 'fastify';
import { createSecretKey } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { invalidToken } from './auth.errors';
import { bearerOf, cookieName, cookieOf } from './auth.cookies';
import { TOKEN_ISSUER } from './auth-tokens.service';
import { type AccessClaims } from './principal';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

/** Verifies the access token's signature, issuer and expiry; the guard checks the rest. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      // One reading of the Authorization header everywhere (the guard's CSRF rule uses it too).
      jwtFromRequest: (request: FastifyRequest) =>
        bearerOf(request) ?? cookieOf(request, cookieName('access', config)) ?? null,
      // A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a PEM
      // public key on every verification (and throws), which cost ~12 % of a signed-in read.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret)) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
    });
  }

  validate(claims: AccessClaims): AccessClaims {
    if (claims.typ !== 'access' || typeof claims.sid !== 'string') throw invalidToken();
    return claims;
  }
}
