export * from './app-error';
export * from './error.filter';
export * from './request-id';
export * from './validation';
export * from './satisfies.validator';
export * from './paging';
export * from './sql';
export * from './route-metadata';
