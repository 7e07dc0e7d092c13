import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/** 404: no such student here (another school's, or purged: their entries are pseudonymous). */
export const historyStudentNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'STUDENT_NOT_FOUND',
    'There is no such student in this school',
  );

/** 400, as any invalid query is: a window that ends before it starts. */
export const auditWindowReversed = () =>
  validationFailed([{ field: 'from', problems: ['from must not be after to'] }]);
