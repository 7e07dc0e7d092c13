import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/** Not the caller's (or no such notification): the same answer, so nothing is revealed. */
export const notificationNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'NOTIFICATION_NOT_FOUND',
    'There is no such notification in your inbox',
  );
