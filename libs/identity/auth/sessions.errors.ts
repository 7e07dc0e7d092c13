import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/** Also the answer for another person's session: its existence is not the caller's to learn. */
export const sessionNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'SESSION_NOT_FOUND', 'You have no such session');
