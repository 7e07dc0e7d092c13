import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/* Refusals of fee setup (heads, structures, concessions, late fine rules) and the reports. */

export const feeHeadNameTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'FEE_HEAD_NAME_TAKEN',
    'This school already has a fee head of that name',
    { field: 'name' },
  );

export const feeStructureExists = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'FEE_STRUCTURE_EXISTS',
    'That level (or program) already has a fee structure for this academic year',
  );

/** Input whose fields pass alone but not together: a 400 like any other. */
export const badFeeInput = (field: string, problem: string) =>
  validationFailed([{ field, problems: [problem] }]);
