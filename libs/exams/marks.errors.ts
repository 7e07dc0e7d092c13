import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

type Thing = 'exam' | 'paper' | 'section';

const CODES: Record<Thing, string> = {
  exam: 'EXAM_NOT_FOUND',
  paper: 'PAPER_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
};

/** 404 for what does not exist here, and equally for what the caller may not see. */
export const notFound = (thing: Thing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} here`);

export const notTeachingSubject = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'NOT_TEACHING_SUBJECT',
    "Only an instructor who teaches the paper's subject in this section (or the exams office) enters its marks",
  );

/** Marks wait until the exam is scheduled; a draft may still change its papers. */
export const examNotOpenForMarks = (status: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_STATUS',
    `Marks are entered while the exam is scheduled or marking; it is ${status}`,
    { status },
  );

export const examPublished = (status: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_PUBLISHED',
    'The exam is published: the exams office must reopen it before marks change',
    { status },
  );

export const examNotPublished = (status: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_STATUS',
    `Only a published exam can be reopened; it is ${status}`,
    { status },
  );

export const examLocked = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_LOCKED',
    'The exam is locked: its marks and results are final and it cannot be reopened',
  );

export const sectionNotSitting = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SECTION_NOT_SITTING',
    'This section does not sit the paper (it is for another section or another level)',
  );

export const studentsNotInSection = (studentIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'STUDENTS_NOT_IN_SECTION',
    "Only active students who were in the section on the paper's date get marks in it",
    { studentIds },
  );

/** 400 in the shared validation shape, naming the field, with the paper's maximum. */
export const marksAboveMaximum = (field: string, maximum: number) =>
  new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
    { field, problems: [`marks must not be above the paper's maximum of ${maximum}`], maximum },
  ]);
