import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/** The longest period one note may cover: a longer absence is a conversation, not a note. */
export const MAX_NOTE_DAYS = 60;

/** Not the caller's child (or no such student): the same answer, so nothing is revealed. */
export const childNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'CHILD_NOT_FOUND',
    'There is no such child of yours in this school',
  );

export const absenceNoteNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'ABSENCE_NOTE_NOT_FOUND',
    'There is no such absence note in this school',
  );

export const absenceNoteDecided = (status: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ABSENCE_NOTE_DECIDED',
    `This absence note was already ${status}: only a pending note can be decided`,
    { status },
  );

export const notePeriodInvalid = (problems: string[]) =>
  validationFailed([{ field: 'toDate', problems }]);
