/** A school's standing in the platform registry (`public.organizations.status`). */
export type OrganizationStatus = 'active' | 'suspended' | 'archived';
