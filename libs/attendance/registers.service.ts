import { Injectable } from '@nestjs/common';
import { type DayRefusal } from '@schoolyard/calendar';
import { AbsenceAlertsRepository } from './absence-alerts.repository';
import { type ScopedCaller } from '@schoolyard/rbac';
import {
  futureDate,
  invalidField,
  notASchoolDay,
  notFound,
  notHomeroom,
  notTeachingSubject,
  registerLocked,
  sessionOfAnotherSubject,
  studentsNotFound,
  studentsNotMarkable,
  subjectOfAnotherLevel,
} from './attendance.errors';
import { checkRange } from './date-range';
import {
  type CreateSessionDto,
  type RecordDto,
  type RegisterView,
  type SessionKind,
  type SessionListQuery,
  type SessionView,
} from './dto/sessions.dto';
import { RecordsRepository } from './records.repository';
import { SessionsRepository } from './sessions.repository';

/**
 * Registers: a section's daily register or one lesson's, and the marks in it. The rules of
 * who may take which register, on which days and for how long live here; the caller is an
 * argument, so a command can take a register acting as a given person.
 */
@Injectable()
export class RegistersService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly records: RecordsRepository,
    private readonly alerts: AbsenceAlertsRepository,
  ) {}

  /**
   * Opens the register of a section, a day, a kind and a period, or answers the one already
   * there (`created` false): two teachers opening it at once get the same register.
   */
  async open(
    caller: ScopedCaller,
    session: CreateSessionDto,
  ): Promise<{ created: boolean; register: RegisterView }> {
    const period = periodOf(session);
    const plan = await this.sessions.plan(session, caller);
    if (!plan.sectionFound) throw notFound('section')();
    if (session.kind === 'lesson') {
      if (plan.subjectFits === null) throw notFound('subject')();
      if (!plan.subjectFits) throw subjectOfAnotherLevel();
    }
    if (!caller.reachesAll) mayTake(session.kind, plan);
    refuseDay(plan.refusal);

    const made = await this.sessions.insert(session, period, caller);
    let id = made;
    if (!id) {
      const existing = await this.sessions.findByKey(session, period);
      if (existing.subjectId !== (session.subjectId ?? null)) throw sessionOfAnotherSubject();
      id = existing.id;
    }
    if (!caller.reachesAll) {
      // A teacher may not open a register they could not then fill in.
      const window = await this.sessions.window(id);
      if (!window.open) throw registerLocked(window.date, window.editableUntil);
    }
    return { created: made !== undefined, register: (await this.sessions.register(id, caller))! };
  }

  /**
   * Saves marks, all or nothing: the session row is locked first, so two saves of one register
   * run one after the other and the later one's mark stands for each student it names.
   * Students not named keep their marks.
   */
  async save(caller: ScopedCaller, id: string, records: RecordDto[]): Promise<RegisterView> {
    checkMarks(records);
    const session = await this.sessions.lockForChange(id, caller);
    if (!session) throw notFound('attendance session')();
    if (!caller.reachesAll) {
      mayTake(session.kind, session);
      if (!session.open) throw registerLocked(session.date, session.editableUntil);
    }
    const check = await this.records.check(
      session.sectionId,
      session.date,
      records.map((record) => record.studentId),
    );
    refuseDay(check.refusal);
    if (check.unknown.length) throw studentsNotFound(check.unknown);
    if (check.unmarkable.length) throw studentsNotMarkable(check.unmarkable);
    await this.records.upsert(id, records, session.callerProfileId);
    await this.alerts.afterRecordsSaved(id);
    return (await this.sessions.register(id, caller))!;
  }

  /** Reopens a register for its teachers until today + the school's edit days (the office). */
  async unlock(caller: ScopedCaller, id: string): Promise<RegisterView> {
    if (!(await this.sessions.lockForChange(id, caller))) throw notFound('attendance session')();
    await this.sessions.unlock(id, caller);
    return (await this.sessions.register(id, caller))!;
  }

  async get(caller: ScopedCaller, id: string): Promise<RegisterView> {
    const register = await this.sessions.register(id, caller);
    if (!register) throw notFound('attendance session')();
    return register;
  }

  async list(caller: ScopedCaller, query: SessionListQuery): Promise<SessionView[]> {
    checkRange(query.from, query.to);
    if (!(await this.sessions.sectionVisible(query.sectionId, caller))) {
      throw notFound('section')();
    }
    return this.sessions.list(query);
  }
}

/** The period of the register: 0 for the daily one, the lesson's own otherwise. */
function periodOf(session: CreateSessionDto): number {
  if (session.kind === 'daily') {
    if (session.subjectId !== undefined) {
      throw invalidField('subjectId', 'a daily register has no subject');
    }
    if (session.period !== undefined) {
      throw invalidField('period', 'a daily register has no period');
    }
    return 0;
  }
  if (session.subjectId === undefined) {
    throw invalidField('subjectId', 'a lesson needs its subjectId');
  }
  if (session.period === undefined) throw invalidField('period', 'a lesson needs its period');
  return session.period;
}

/** The teacher's part: the daily register is the homeroom's, a lesson its subject teacher's. */
function mayTake(kind: SessionKind, part: { isHomeroom: boolean; teaches: boolean }): void {
  if (kind === 'daily' && !part.isHomeroom) throw notHomeroom();
  if (kind === 'lesson' && !part.teaches) throw notTeachingSubject();
}

function refuseDay(refusal: DayRefusal | null): void {
  if (refusal === 'future') throw futureDate();
  if (refusal) throw notASchoolDay(refusal);
}

/** Late comes with its minutes; no other mark has any. */
function checkMarks(records: RecordDto[]): void {
  records.forEach((record, i) => {
    if (record.status === 'late' && record.lateMinutes === undefined) {
      throw invalidField(`records.${i}.lateMinutes`, 'lateMinutes is required when status is late');
    }
    if (record.status !== 'late' && record.lateMinutes !== undefined) {
      throw invalidField(`records.${i}.lateMinutes`, 'lateMinutes is only for a late mark');
    }
  });
}
