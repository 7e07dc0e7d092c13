import { invalidField } from './attendance.errors';
import { daysBetween, MAX_RANGE_DAYS } from './dto/dates.dto';

/** A window of at most MAX_RANGE_DAYS days, `to` not before `from` (400 otherwise). */
export function checkRange(from: string, to: string): void {
  const days = daysBetween(from, to);
  if (days < 0) throw invalidField('to', 'to must not be before from');
  if (days + 1 > MAX_RANGE_DAYS) {
    throw invalidField('to', `the window may cover at most ${MAX_RANGE_DAYS} days`);
  }
}
