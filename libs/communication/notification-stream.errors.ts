import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/** Open streams are held in this instance's memory: one account may not take it all. */
export const tooManyStreams = () =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_STREAMS',
    'This account has too many notification streams open: close one first',
    undefined,
    { 'retry-after': '30' },
  );
