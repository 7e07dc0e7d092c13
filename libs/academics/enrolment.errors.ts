import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/*
 * Refusals of enrolment history: the days a membership begins and ends. The other enrolment
 * refusals (unknown or inactive students, a full section, no such enrolment) are in
 * academics.errors.ts.
 */

/** A membership cannot begin or end on a day that has not come yet. */
export const dateInFuture = (field: 'joinedOn' | 'leftOn', today: string) =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'DATE_IN_FUTURE',
    `${field} must not be later than today (${today}) in the school's time zone`,
    { field, today },
  );

export const joinedBeforeAcademicYear = (startsOn: string) =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'BEFORE_ACADEMIC_YEAR',
    `joinedOn must not be before the section's academic year starts (${startsOn})`,
    { field: 'joinedOn', startsOn },
  );

export const leftBeforeJoining = (joinedOn: string) =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'LEFT_BEFORE_JOINING',
    `leftOn must not be before the student joined the section (${joinedOn})`,
    { field: 'leftOn', joinedOn },
  );

/** A new membership may not begin while an earlier one of the same section still ran. */
export const enrolmentOverlaps = (studentIds: string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ENROLMENT_OVERLAPS',
    'Some of these students were still in this section on that day: they can rejoin only from the day they left',
    { studentIds },
  );

export const studentNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'STUDENT_NOT_FOUND',
    'There is no such student in this school',
  );
