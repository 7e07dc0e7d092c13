import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

type Thing =
  'program' | 'academic level' | 'section' | 'subject' | 'instructor' | 'teaching assignment';

const CODES: Record<Thing, string> = {
  program: 'PROGRAM_NOT_FOUND',
  'academic level': 'ACADEMIC_LEVEL_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
  subject: 'SUBJECT_NOT_FOUND',
  instructor: 'INSTRUCTOR_NOT_FOUND',
  'teaching assignment': 'TEACHING_ASSIGNMENT_NOT_FOUND',
};

export const notFound = (thing: Thing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} in this school`);

export const taken = (code: string, message: string, field: string) =>
  new AppError(HttpStatus.CONFLICT, code, message, { field });

export const studentsNotFound = (studentIds: string[]) =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'STUDENT_NOT_FOUND',
    'Some of these students are not in this school',
    { studentIds },
  );

export const studentsNotActive = (studentIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'STUDENT_NOT_ACTIVE',
    'Only active students can be enrolled in a section',
    { studentIds },
  );

export const sectionFull = (capacity: number, enrolled: number, adding: number) =>
  new AppError(
    HttpStatus.CONFLICT,
    'SECTION_FULL',
    `The section holds ${capacity} students; ${enrolled} are enrolled and ${adding} more would not fit`,
    { capacity, enrolled, adding },
  );

export const capacityBelowEnrolment = (enrolled: number) =>
  new AppError(
    HttpStatus.CONFLICT,
    'CAPACITY_BELOW_ENROLMENT',
    `${enrolled} students are enrolled: the capacity cannot be lower`,
    { enrolled },
  );

export const enrolmentNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'ENROLMENT_NOT_FOUND',
    'This student is not enrolled in this section',
  );

export const subjectOfAnotherLevel = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SUBJECT_OF_ANOTHER_LEVEL',
    "This subject belongs to another academic level than the section's",
  );

export const alreadyTeaching = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ALREADY_ASSIGNED',
    'This instructor already teaches this subject in this section',
  );
