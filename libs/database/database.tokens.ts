export const OWNER_DATA_SOURCE = 'owner';
export const DATABASE_URLS = Symbol('DATABASE_URLS');
