import { type OrganizationStatus } from '@schoolyard/database';

/** Requests per minute for a whole school and for one client address within it. */
export interface PlanRateLimits {
  schoolPerMinute: number;
  clientPerMinute: number;
}

/** What a request needs to know about its school; cached per host. */
export interface School {
  id: string;
  slug: string;
  name: string;
  status: OrganizationStatus;
  schemaName: string;
  dbRole: string;
  /**
   * Its plan's rate limits, read with the school by the directory. Absent when the school
   * came from elsewhere or has no subscription: the configured fallback applies then.
   */
  rateLimits?: PlanRateLimits;
  /** Browser origins the school allows with credentials, besides its own address. */
  corsOrigins?: readonly string[];
}
