import { Injectable } from '@nestjs/common';
import { requestStore, type SchoolyardStore } from '@schoolyard/common';
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

declare module '@schoolyard/common' {
  interface SchoolyardStore {
    /** The caller, once the access token and its session have been checked. */
    principal?: Principal;
  }
}

@Injectable()
export class PrincipalContext {
  constructor(private readonly cls: ClsService<SchoolyardStore>) {}

  get principal(): Principal {
    const principal = this.signedIn;
    if (!principal) throw new Error("No authenticated principal: the route's access is 'public'");
    return principal;
  }

  /** The caller, when signed in; undefined on a route open to anonymous callers. */
  get signedIn(): Principal | undefined {
    return requestStore(this.cls)?.principal;
  }
}
