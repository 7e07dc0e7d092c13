export * from './caller-access';
export * from './permission-catalog';
export * from './permissions.guard';
export * from './rbac.errors';
export * from './rbac.module';
export * from './roles.service';
export * from './school-access.service';
export * from './route-permissions';
