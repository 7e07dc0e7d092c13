export * from './account-cascade.dispatcher';
export * from './account-cascade.module';
export * from './account-cascade.service';
export * from './credential-cipher';
export * from './people.module';
export * from './portal-activation.service';
export * from './soft-link-audit.service';
export { createAccounts } from './school-accounts.repository';
export { StudentListQuery } from './dto/students.dto';
