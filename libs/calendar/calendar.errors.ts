import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

export const academicYearNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'ACADEMIC_YEAR_NOT_FOUND',
    'There is no such academic year in this school',
  );

export const termNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'TERM_NOT_FOUND', 'There is no such term in this school');

export const eventNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'CALENDAR_EVENT_NOT_FOUND',
    'There is no such calendar event in this school',
  );

export const academicYearNameTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ACADEMIC_YEAR_NAME_TAKEN',
    'This school already has an academic year of that name',
    { field: 'name' },
  );

export const academicYearOverlap = (other: { id: string; name: string }) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ACADEMIC_YEAR_OVERLAP',
    `These dates overlap the academic year ${other.name}`,
    { academicYearId: other.id },
  );

/** A year's new dates would leave some of its terms outside it. */
export const termsOutsideYear = (termIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'TERMS_OUTSIDE_YEAR',
    'Some terms of this academic year would fall outside its new dates: change them first',
    { termIds },
  );

export const termNameTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'TERM_NAME_TAKEN',
    'This academic year already has a term of that name',
    { field: 'name' },
  );

export const termOutsideYear = (year: { startsOn: string; endsOn: string }) =>
  new AppError(
    HttpStatus.CONFLICT,
    'TERM_OUTSIDE_YEAR',
    `A term must lie within its academic year (${year.startsOn} to ${year.endsOn})`,
    year,
  );

export const termOverlap = (other: { id: string; name: string }) =>
  new AppError(HttpStatus.CONFLICT, 'TERM_OVERLAP', `These dates overlap the term ${other.name}`, {
    termId: other.id,
  });

/** Input that passes each field's own check but not their combination: a 400 as any other. */
export const badCombination = (field: string, problem: string) =>
  validationFailed([{ field, problems: [problem] }]);

export const wholeDaysOnly = () =>
  badCombination(
    'startTime',
    'holidays and closures are whole days: they take no startTime or endTime',
  );

export const timesInPairs = () =>
  badCombination('endTime', 'startTime and endTime go together: send both or neither');
