import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/* Refusals of grading scales, exams, papers and an exam's status (part A of the exams work). */

type Thing =
  | 'exam'
  | 'exam paper'
  | 'grading scale'
  | 'term'
  | 'academic level'
  | 'program'
  | 'section'
  | 'subject'
  | 'invigilator';

const CODES: Record<Thing, string> = {
  exam: 'EXAM_NOT_FOUND',
  'exam paper': 'EXAM_PAPER_NOT_FOUND',
  'grading scale': 'GRADING_SCALE_NOT_FOUND',
  term: 'TERM_NOT_FOUND',
  'academic level': 'ACADEMIC_LEVEL_NOT_FOUND',
  program: 'PROGRAM_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
  subject: 'SUBJECT_NOT_FOUND',
  invigilator: 'INVIGILATOR_NOT_FOUND',
};

/** 404 for one thing; `ids` names which of several sent ids were not found. */
export const examThingNotFound = (thing: Thing, ids?: string[]) => () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    CODES[thing],
    `There is no such ${thing} in this school`,
    ids ? { ids } : undefined,
  );

/** Input that passes each field's own check but not their combination: a 400 as any other. */
export const badExamInput = (field: string, problem: string) =>
  validationFailed([{ field, problems: [problem] }]);

export const scaleNameTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'GRADING_SCALE_NAME_TAKEN',
    'This school already has a grading scale of that name',
    { field: 'name' },
  );

export const defaultScaleKept = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'GRADING_SCALE_IS_DEFAULT',
    'The default grading scale cannot be deleted: make another one the default first',
  );

/** A band that published results fell in: they would lose their grade. */
export const bandInUse = (band: { id: string; letter: string; results: number }) =>
  new AppError(
    HttpStatus.CONFLICT,
    'IN_USE',
    `The band ${band.letter} is the grade of ${band.results} published results: keep it`,
    { bandId: band.id, letter: band.letter, results: band.results },
  );

export const examNameTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_NAME_TAKEN',
    'This term already has an exam of that name',
    { field: 'name' },
  );

export const examOutsideTerm = (term: { startsOn: string; endsOn: string }) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_OUTSIDE_TERM',
    `An exam's dates must lie within its term (${term.startsOn} to ${term.endsOn})`,
    term,
  );

/** The action is refused in the exam's status; `allowed` lists the statuses it needs. */
export const examStatus = (status: string, allowed: readonly string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_STATUS',
    `The exam is ${status}: this needs it ${allowed.join(' or ')}`,
    { status, allowed },
  );

export const examHasNoPapers = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_HAS_NO_PAPERS',
    'An exam is scheduled only once it has at least one paper',
  );

export const papersOutsideExam = (paperIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'PAPERS_OUTSIDE_EXAM',
    "Some papers would fall outside the exam's new dates: move them first",
    { paperIds },
  );

export const levelNotInExam = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'LEVEL_NOT_IN_EXAM',
    'This academic level does not sit this exam',
    { field: 'levelId' },
  );

export const sectionOfAnotherLevel = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SECTION_OF_ANOTHER_LEVEL',
    "This section belongs to another academic level than the paper's",
    { field: 'sectionId' },
  );

export const subjectOfAnotherLevel = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SUBJECT_OF_ANOTHER_LEVEL',
    "This subject belongs to another academic level than the paper's",
    { field: 'subjectId' },
  );

export const paperOutsideDates = (dates: { startsOn: string; endsOn: string }) =>
  new AppError(
    HttpStatus.CONFLICT,
    'PAPER_OUTSIDE_EXAM',
    `A paper must be sat within the exam's dates and its term (${dates.startsOn} to ${dates.endsOn})`,
    dates,
  );

export const paperTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_PAPER_TAKEN',
    'This exam already has a paper of this subject for this level and section',
  );

export interface ClashingPaper {
  id: string;
  examId: string;
  examName: string;
  subjectName: string;
  sectionId: string | null;
  sitsOn: string;
  startsAt: string;
  durationMinutes: number;
  /** `section`: the same pupils would sit both; `invigilator`: one person in two rooms. */
  reason: 'section' | 'invigilator';
}

export const examClash = (papers: ClashingPaper[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'EXAM_CLASH',
    `This paper overlaps ${papers
      .map((paper) => `${paper.subjectName} (${paper.examName}, ${paper.sitsOn} ${paper.startsAt})`)
      .join(', ')}`,
    { papers },
  );
