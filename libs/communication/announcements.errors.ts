import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/** Another school's announcement is unknown here: the same answer as one that never was. */
export const announcementNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'ANNOUNCEMENT_NOT_FOUND',
    'There is no such announcement in this school',
  );

/** Names the ids this school does not know, so the office can fix its list. */
export const audienceNotFound = (kind: string, ids: string[]) =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'AUDIENCE_NOT_FOUND',
    `Some ${kind.replace('_', ' ')} of the audience do not exist in this school`,
    { kind, ids },
  );

/** Its recipients are written: changing who it is for would not reach or unreach anyone. */
export const announcementPublished = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ANNOUNCEMENT_PUBLISHED',
    'This announcement is published: its audience, channels and time can no longer change',
  );

export const smsNotEnabled = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'SMS_NOT_ENABLED',
    'This school does not send text messages: switch SMS on in the school settings first',
  );

/**
 * The sibling of billing's `planLimitReached` for a monthly allowance: the same code, with
 * what was used and what this announcement needs, so the office sees how far over it is.
 */
export const smsQuotaReached = (limit: number, used: number, needed: number) =>
  new AppError(
    HttpStatus.PAYMENT_REQUIRED,
    'PLAN_LIMIT_REACHED',
    `The plan allows ${limit} text messages a month; ${used} were sent and this announcement ` +
      `needs ${needed}: choose a larger plan or send it without SMS`,
    { resource: 'sms', limit, used, needed },
  );

export const audienceInvalid = (problem: string) =>
  validationFailed([{ field: 'audience.ids', problems: [problem] }]);

export const expiryInvalid = (problem: string) =>
  validationFailed([{ field: 'expiresAt', problems: [problem] }]);
