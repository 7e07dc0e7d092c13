/*
 * The columns of the spreadsheets a school moves people in and out with: the importer
 * (libs/imports) reads exactly these and the exports (libs/exports) write exactly these, in
 * this order, so any export can be imported again (docs/IMPORTS.md, docs/EXPORTS.md).
 */

export const STUDENT_COLUMNS = [
  'admissionNumber',
  'firstName',
  'middleName',
  'lastName',
  'email',
  'admissionDate',
  'dateOfBirth',
  'gender',
  'status',
] as const;
export const STAFF_COLUMNS = [
  'email',
  'firstName',
  'middleName',
  'lastName',
  'jobTitle',
  'department',
  'hireDate',
  'status',
] as const;
export const GUARDIAN_COLUMNS = [
  'email',
  'phone',
  'firstName',
  'middleName',
  'lastName',
  'studentAdmissionNumber',
  'relationship',
] as const;
export const ENROLMENT_COLUMNS = ['admissionNumber', 'academicYear', 'level', 'section'] as const;
