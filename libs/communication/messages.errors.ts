import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/** Not a thread the caller takes part in (or oversees), or no such thread: the same answer. */
export const threadNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'MESSAGE_THREAD_NOT_FOUND',
    'There is no such message thread of yours in this school',
  );

export const participantsNotFound = (ids: string[]) =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'MESSAGE_PARTICIPANT_NOT_FOUND',
    'Some of the people named are not in this school',
    { ids },
  );

export const recipientNotAllowed = (ids: string[]) =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'MESSAGE_RECIPIENT_NOT_ALLOWED',
    'You may write only to staff, to the students you teach and to their guardians',
    { ids },
  );

export const senderNotStaff = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'MESSAGE_SENDER_NOT_STAFF',
    'Only staff open message threads; reply in your own threads instead',
  );

export const oversightRequired = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'MESSAGE_OVERSIGHT_REQUIRED',
    'Seeing every staff–student thread needs messages.oversee',
  );

export const participantsInvalid = (problems: string[]) =>
  validationFailed([{ field: 'participantIds', problems }]);
