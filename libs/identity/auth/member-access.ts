import { type School } from '@schoolyard/tenancy';

export interface MemberRole {
  id: string;
  name: string;
  systemKey: string | null;
}

export interface MemberAccess {
  roles: MemberRole[];
  permissions: string[];
}

/**
 * What a signed-in person may do in a school, for GET /api/auth/me. Role-based access control
 * provides it; identity only declares the need, so the dependency points one way.
 */
export abstract class MemberAccessReader {
  abstract accessOf(school: School, userId: string): Promise<MemberAccess>;
}
