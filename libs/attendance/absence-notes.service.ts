import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';
import {
  type AbsenceNoteDecisionView,
  type AbsenceNotePage,
  type AbsenceNotesQuery,
  type AbsenceNoteView,
  type SubmitAbsenceNoteDto,
} from './dto/absence-notes.dto';
import {
  absenceNoteDecided,
  absenceNoteNotFound,
  childNotFound,
  MAX_NOTE_DAYS,
  notePeriodInvalid,
} from './absence-notes.errors';
import { AbsenceNotesRepository } from './absence-notes.repository';

/**
 * Absence notes. A guardian writes one for a child linked to their own guardian profile; it
 * waits, pending, until someone with `attendance.manage` approves or rejects it. Approval
 * excuses the absences already recorded on its days and cancels the alerts not yet sent for
 * them; absences recorded later on those days are excused when their register is saved.
 */
@Injectable()
export class AbsenceNotesService {
  constructor(
    private readonly notes: AbsenceNotesRepository,
    private readonly caller: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  async submit(studentId: string, note: SubmitAbsenceNoteDto): Promise<AbsenceNoteView> {
    checkPeriod(note.fromDate, note.toDate);
    const made = await this.notes.submitForChild(this.caller.principal.userId, studentId, note);
    if (!made) throw childNotFound();
    return made;
  }

  async ofChild(studentId: string): Promise<AbsenceNoteView[]> {
    const notes = await this.notes.notesOfChild(this.caller.principal.userId, studentId);
    if (!notes) throw childNotFound();
    return notes;
  }

  /** Everything for those who decide notes; an instructor, their own classes' students. */
  list(query: AbsenceNotesQuery): Promise<AbsenceNotePage> {
    const all = this.access.has('attendance.manage');
    return this.notes.page(query, all ? null : this.caller.principal.userId);
  }

  async approve(id: string, note?: string): Promise<AbsenceNoteDecisionView> {
    const approved = await this.notes.approve(id, this.caller.principal.userId, note || null);
    if (!approved) throw await this.whyNotPending(id);
    return {
      ...approved.note,
      excusedRecords: approved.excused,
      cancelledAlerts: approved.cancelled,
    };
  }

  async reject(id: string, note?: string): Promise<AbsenceNoteDecisionView> {
    const rejected = await this.notes.reject(id, this.caller.principal.userId, note || null);
    if (!rejected) throw await this.whyNotPending(id);
    return { ...rejected, excusedRecords: 0, cancelledAlerts: 0 };
  }

  private async whyNotPending(id: string) {
    const status = await this.notes.statusOf(id);
    return status ? absenceNoteDecided(status) : absenceNoteNotFound();
  }
}

/**
 * The period's length in calendar days, counted on the dates themselves (UTC midnights of
 * local dates: no time zone or daylight saving enters), both ends included.
 */
export function noteDays(fromDate: string, toDate: string): number {
  const day = (date: string) => {
    const [y, m, d] = date.split('-').map(Number);
    return Date.UTC(y, m - 1, d) / 86_400_000;
  };
  return day(toDate) - day(fromDate) + 1;
}

function checkPeriod(fromDate: string, toDate: string): void {
  const days = noteDays(fromDate, toDate);
  if (days < 1) throw notePeriodInvalid(['toDate must be on or after fromDate']);
  if (days > MAX_NOTE_DAYS) {
    throw notePeriodInvalid([`a note covers at most ${MAX_NOTE_DAYS} days; this one ${days}`]);
  }
}
