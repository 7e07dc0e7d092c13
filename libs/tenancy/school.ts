import { type OrganizationStatus } from '@schoolyard/database';

/** What a request needs to know about its school; cached per host. */
export interface School {
  id: string;
  slug: string;
  name: string;
  status: OrganizationStatus;
  schemaName: string;
  dbRole: string;
}
