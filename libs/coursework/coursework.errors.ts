import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const contentNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'CONTENT_NOT_FOUND', 'There is no such course content here');

export const submissionNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'SUBMISSION_NOT_FOUND', 'There is no such submission here');

/** A row-level refusal: the permission is held, but not for this section or person. */
export const notYours = (message: string) =>
  new AppError(HttpStatus.FORBIDDEN, 'FORBIDDEN', message);

export const notTeaching = () =>
  notYours('Only an instructor who teaches this subject in this section (or its homeroom) may');

export const notAnAssignment = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'NOT_AN_ASSIGNMENT',
    'Work is handed in to assignments only, not to notes or resources',
  );

export const alreadyGraded = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ALREADY_GRADED',
    'This work has been graded: it can no longer be resubmitted',
  );

export const pointsAboveMax = (maxPoints: number) =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'POINTS_ABOVE_MAX',
    `points must not exceed the assignment's ${maxPoints} points`,
    { field: 'points', maxPoints },
  );

export const maxBelowAwarded = (highest: number) =>
  new AppError(
    HttpStatus.CONFLICT,
    'MAX_POINTS_BELOW_AWARDED',
    `A submission was already awarded ${highest} points: maxPoints cannot be lower`,
    { field: 'maxPoints', highestAwarded: highest },
  );
