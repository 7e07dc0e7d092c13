export * from './imports.module';
export { ImportJobsModule, runImportQueue } from './import-runner';
export { IMPORT_KINDS, type ImportKindName } from './import-kind';
