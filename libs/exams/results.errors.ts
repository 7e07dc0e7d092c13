import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

type Thing = 'exam' | 'section' | 'student';

const CODES: Record<Thing, string> = {
  exam: 'EXAM_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
  student: 'STUDENT_NOT_FOUND',
};

/** 404 for what does not exist here, and equally for what the caller may not see. */
export const notFound = (thing: Thing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} here`);

/** Publishing is the step after marking: a draft or a published exam cannot be published. */
export const notInMarking = (status = 'draft') =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_STATUS',
    `Only an exam in marking can be published; this one is ${status}`,
    { status },
  );

/** Results exist only between publishing and a reopening (which hides them again). */
export const resultsNotPublished = (status = 'marking') =>
  new AppError(
    HttpStatus.CONFLICT,
    'RESULTS_NOT_PUBLISHED',
    `This exam's results are not published (it is ${status})`,
    { status },
  );
