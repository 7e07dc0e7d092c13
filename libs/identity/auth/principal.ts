import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

/** Claims of an access token (HS256 JWT). */
export interface AccessClaims {
  sub: string;
  /** Session (refresh-token family). */
  sid: string;
  /** The school the token was issued at; null at the platform address. */
  org: string | null;
  /** must_change_password when the token was issued. */
  mcp: boolean;
  typ: 'access';
}

/** Who is calling, once the access token and its session have been checked. */
export interface Principal {
  userId: string;
  sessionId: string;
  schoolId: string | null;
  mustChangePassword: boolean;
}

export const PRINCIPAL_KEY = 'schoolyard.principal';

@Injectable()
export class PrincipalContext {
  constructor(private readonly cls: ClsService) {}

  get principal(): Principal {
    const principal = this.signedIn;
    if (!principal) throw new Error('No authenticated principal: the route is @Public()');
    return principal;
  }

  /** The caller, when signed in; undefined on a route open to anonymous callers. */
  get signedIn(): Principal | undefined {
    return this.cls.isActive() ? this.cls.get<Principal | undefined>(PRINCIPAL_KEY) : undefined;
  }
}
