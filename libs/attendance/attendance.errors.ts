import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

type Thing = 'attendance session' | 'section' | 'subject' | 'student';

const CODES: Record<Thing, string> = {
  'attendance session': 'ATTENDANCE_SESSION_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
  subject: 'SUBJECT_NOT_FOUND',
  student: 'STUDENT_NOT_FOUND',
};

/** 404 for what does not exist here, and equally for what the caller may not see. */
export const notFound = (thing: Thing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} here`);

export const studentsNotFound = (studentIds: string[]) =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'STUDENT_NOT_FOUND',
    'Some of these students are not in this school',
    { studentIds },
  );

export const studentsNotMarkable = (studentIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'STUDENTS_NOT_MARKABLE',
    "Only active students who were in the section on the register's date can be marked",
    { studentIds },
  );

export const futureDate = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ATTENDANCE_FUTURE_DATE',
    "Attendance cannot be taken for a day after the school's today",
  );

export const notASchoolDay = (reason: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'NOT_A_SCHOOL_DAY',
    `Attendance is not taken on this day (${reason.replace('_', ' ')})`,
    { reason },
  );

export const registerLocked = (date: string, editableUntil: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ATTENDANCE_LOCKED',
    'The editing window of this register has closed: ask the office to correct it or reopen it',
    { date, editableUntil },
  );

export const notHomeroom = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'NOT_HOMEROOM_INSTRUCTOR',
    "Only the section's homeroom instructor (or the office) takes its daily register",
  );

export const notTeachingSubject = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'NOT_TEACHING_SUBJECT',
    'Only an instructor who teaches this subject in this section (or the office) takes its lessons',
  );

export const sessionOfAnotherSubject = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SESSION_OF_ANOTHER_SUBJECT',
    "This section's lesson in that period on that day is already registered for another subject",
  );

export const subjectOfAnotherLevel = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SUBJECT_OF_ANOTHER_LEVEL',
    "This subject belongs to another academic level than the section's",
  );

/** 400 with the shared shape, for a rule the DTO's decorators cannot say alone. */
export const invalidField = (field: string, problem: string) =>
  validationFailed([{ field, problems: [problem] }]);
