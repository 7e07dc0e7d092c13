import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

type Thing = 'term' | 'subject' | 'student' | 'section' | 'report card batch';

const CODES: Record<Thing, string> = {
  term: 'TERM_NOT_FOUND',
  subject: 'SUBJECT_NOT_FOUND',
  student: 'STUDENT_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
  'report card batch': 'REPORT_CARD_BATCH_NOT_FOUND',
};

/** 404 for what does not exist here, and equally for what the caller may not see. */
export const notFound = (thing: Thing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} here`);

export const subjectsNotFound = (subjectIds: string[]) =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'SUBJECT_NOT_FOUND',
    'Some of these subjects are not in this school',
    {
      subjectIds,
    },
  );

/** A student or guardian sees a term's card once its first exam result is out. */
export const reportCardNotReady = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'REPORT_CARD_NOT_READY',
    'No exam of this term has been published yet: the report card is not ready',
  );

export const batchNotReady = (status: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'REPORT_CARD_BATCH_NOT_READY',
    'This batch of report cards has not been built (yet)',
    { status },
  );

/** 400 with the shared shape, for a rule the DTO's decorators cannot say alone. */
export const invalidField = (field: string, problem: string) =>
  validationFailed([{ field, problems: [problem] }]);
