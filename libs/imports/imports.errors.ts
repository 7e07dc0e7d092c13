import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { IMPORT_KINDS } from './import-kind';

export const importNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'IMPORT_NOT_FOUND', 'There is no such import in this school');

/** The upload is not what POST /api/imports takes: a multipart form with kind and file. */
export const importRequestInvalid = (message: string) =>
  new AppError(HttpStatus.BAD_REQUEST, 'IMPORT_REQUEST_INVALID', message, {
    kinds: IMPORT_KINDS,
  });

export const importFileTooLarge = (maxBytes: number) =>
  new AppError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'IMPORT_FILE_TOO_LARGE',
    `The file is larger than ${maxBytes} bytes`,
    { maxBytes },
  );
