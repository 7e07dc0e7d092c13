import { Profile } from '@schoolyard/identity';
import { SchoolSettings } from '@schoolyard/organizations';

/** Entities mapped without a schema: each resolves to the current school's schema. */
export const TENANT_ENTITIES = [Profile, SchoolSettings];
