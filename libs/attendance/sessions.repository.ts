import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { SCHOOL_DAYS_SQL, type DayRefusal } from '@schoolyard/calendar';
import { TenantContext } from '@schoolyard/tenancy';
import { type ScopedCaller } from '@schoolyard/rbac';
import { callerProfile, callerStaff, memberOn, sectionInScope } from './attendance-scope';
import {
  type CreateSessionDto,
  type Mark,
  type RegisterEntryView,
  type RegisterView,
  type SessionKind,
  type SessionListQuery,
  type SessionView,
} from './dto/sessions.dto';

/** What the rules need to know before a session is made: the day, the section, the caller. */
export interface SessionPlan {
  sectionFound: boolean;
  refusal: DayRefusal | null;
  /** null: no such subject (or none asked for); false: of another level. */
  subjectFits: boolean | null;
  isHomeroom: boolean;
  teaches: boolean;
}

/** A session locked for a change, with what the rules need. */
export interface LockedSession {
  id: string;
  sectionId: string;
  date: string;
  kind: SessionKind;
  /** The teacher's window is open (its date + edit days, or an unlock, reaches today). */
  open: boolean;
  /** The last day a teacher may still change it. */
  editableUntil: string;
  today: string;
  editDays: number;
  isHomeroom: boolean;
  teaches: boolean;
  /** The caller's profile here, which signs what they write. */
  callerProfileId: string | null;
}

interface SessionRow {
  id: string;
  sectionId: string;
  date: string;
  kind: SessionKind;
  subjectId: string | null;
  subjectCode: string | null;
  subjectName: string | null;
  period: number;
  unlockedUntil: string | null;
  present: number;
  absent: number;
  late: number;
  excused: number;
}

interface RegisterRow extends SessionRow {
  register: Array<Omit<RegisterEntryView, 'status'> & { status: Mark | null }>;
}

const ymd = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;
const TODAY = '(now() AT TIME ZONE s.timezone)::date';

/** A session's columns and its counts per mark, from SESSION_FROM. */
const SESSION_COLUMNS = `
  ses.id, ses.section_id AS "sectionId", ${ymd('ses.on_date')} AS date, ses.kind,
  sub.id AS "subjectId", sub.code AS "subjectCode", sub.name AS "subjectName", ses.period,
  ${ymd('ses.unlocked_until')} AS "unlockedUntil", c.present, c.absent, c.late, c.excused`;

const SESSION_FROM = `
  attendance_sessions ses
  LEFT JOIN subjects sub ON sub.id = ses.subject_id
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE r.status = 'present')::int AS present,
           count(*) FILTER (WHERE r.status = 'absent')::int AS absent,
           count(*) FILTER (WHERE r.status = 'late')::int AS late,
           count(*) FILTER (WHERE r.status = 'excused')::int AS excused
      FROM attendance_records r WHERE r.session_id = ses.id) c`;

/**
 * The register of session $1: every student who was in its section on its date (a membership
 * runs from joined_on until the day before left_on), with their mark or nulls.
 */
const REGISTER = `
  SELECT coalesce(json_agg(json_build_object(
           'studentId', stu.profile_id,
           'displayName', p.first_name || ' ' || p.last_name,
           'admissionNumber', stu.admission_number,
           'studentStatus', stu.status,
           'status', r.status,
           'lateMinutes', r.late_minutes,
           'note', r.note,
           'recordedBy', r.recorded_by,
           'recordedAt', r.recorded_at)
         ORDER BY p.last_name, p.first_name, stu.profile_id), '[]')
    FROM students stu JOIN profiles p ON p.id = stu.profile_id
    LEFT JOIN attendance_records r ON r.session_id = ses.id AND r.student_id = stu.profile_id
   WHERE EXISTS (SELECT 1 FROM section_students ss
                  WHERE ss.section_id = ses.section_id AND ss.student_id = stu.profile_id
                    AND ${memberOn('ss', 'ses.on_date')})`;

@Injectable()
export class SessionsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The day's standing, the section, the subject and the caller's part in one statement. */
  async plan(session: CreateSessionDto, caller: ScopedCaller): Promise<SessionPlan> {
    const row = await selectRow<SessionPlan>(
      this.tenant.manager,
      `WITH day AS (${SCHOOL_DAYS_SQL}),
            sec AS (SELECT id, level_id, homeroom_instructor_id FROM sections WHERE id = $3)
       SELECT EXISTS (SELECT 1 FROM sec) AS "sectionFound",
              (SELECT refusal FROM day) AS refusal,
              (SELECT sub.level_id IS NULL OR sub.level_id = (SELECT level_id FROM sec)
                 FROM subjects sub WHERE sub.id = $4) AS "subjectFits",
              coalesce((SELECT homeroom_instructor_id IN (${callerStaff('$5')}) FROM sec), false)
                AS "isHomeroom",
              EXISTS (SELECT 1 FROM teaching_assignments ta
                       WHERE ta.section_id = $3 AND ta.subject_id = $4
                         AND ta.instructor_id IN (${callerStaff('$5')})) AS teaches`,
      [session.date, session.date, session.sectionId, session.subjectId ?? null, caller.userId],
    );
    return row!;
  }

  /**
   * Makes the session unless its key (section, date, kind, period) is taken: answers its id
   * when this call made it. A concurrent maker of the same key waits for ours and makes none.
   */
  async insert(
    session: CreateSessionDto,
    period: number,
    caller: ScopedCaller,
  ): Promise<string | undefined> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `INSERT INTO attendance_sessions (section_id, on_date, kind, period, subject_id, created_by)
       VALUES ($1, $2, $3, $4, $5, ${callerProfile('$6')})
       ON CONFLICT ON CONSTRAINT attendance_sessions_key DO NOTHING
       RETURNING id`,
      [
        session.sectionId,
        session.date,
        session.kind,
        period,
        session.subjectId ?? null,
        caller.userId,
      ],
    );
    return row?.id;
  }

  /** The session holding the key, read after an insert that made none (a new snapshot sees it). */
  async findByKey(
    session: CreateSessionDto,
    period: number,
  ): Promise<{ id: string; subjectId: string | null }> {
    const row = await selectRow<{ id: string; subjectId: string | null }>(
      this.tenant.manager,
      `SELECT id, subject_id AS "subjectId" FROM attendance_sessions
        WHERE section_id = $1 AND on_date = $2 AND kind = $3 AND period = $4`,
      [session.sectionId, session.date, session.kind, period],
    );
    return row!;
  }

  /**
   * Locks session `id` FOR UPDATE, so saves of one register run one after the other, and
   * reads what the rules need. Undefined when there is no such session.
   */
  lockForChange(id: string, caller: ScopedCaller): Promise<LockedSession | undefined> {
    return selectRow<LockedSession>(
      this.tenant.manager,
      `SELECT ses.id, ses.section_id AS "sectionId", ${ymd('ses.on_date')} AS date, ses.kind,
              ${ymd(TODAY)} AS today, s.attendance_edit_days AS "editDays",
              (${TODAY} <= ses.on_date + s.attendance_edit_days
                OR ses.unlocked_until >= ${TODAY}) AS open,
              ${ymd(`greatest(ses.on_date + s.attendance_edit_days, ses.unlocked_until)`)}
                AS "editableUntil",
              coalesce(sec.homeroom_instructor_id IN (${callerStaff('$2')}), false) AS "isHomeroom",
              EXISTS (SELECT 1 FROM teaching_assignments ta
                       WHERE ta.section_id = ses.section_id AND ta.subject_id = ses.subject_id
                         AND ta.instructor_id IN (${callerStaff('$2')})) AS teaches,
              ${callerProfile('$2')} AS "callerProfileId"
         FROM attendance_sessions ses
         JOIN sections sec ON sec.id = ses.section_id
        CROSS JOIN school_settings s
        WHERE ses.id = $1
        FOR UPDATE OF ses`,
      [id, caller.userId],
    );
  }

  /** The teacher's window of a session just made or found: is it open, and until when. */
  window(id: string): Promise<{ open: boolean; editableUntil: string; date: string }> {
    return selectRow<{ open: boolean; editableUntil: string; date: string }>(
      this.tenant.manager,
      `SELECT (${TODAY} <= ses.on_date + s.attendance_edit_days OR ses.unlocked_until >= ${TODAY}) AS open,
              ${ymd(`greatest(ses.on_date + s.attendance_edit_days, ses.unlocked_until)`)} AS "editableUntil",
              ${ymd('ses.on_date')} AS date
         FROM attendance_sessions ses CROSS JOIN school_settings s WHERE ses.id = $1`,
      [id],
    ).then((row) => row!);
  }

  /** Reopens the session for its teachers until today + the school's edit days. */
  async unlock(id: string, caller: ScopedCaller): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE attendance_sessions ses
          SET unlocked_until = (now() AT TIME ZONE s.timezone)::date + s.attendance_edit_days,
              unlocked_by = ${callerProfile('$2')}, updated_at = now()
         FROM school_settings s
        WHERE ses.id = $1`,
      [id, caller.userId],
    );
  }

  /** Session `id` with its register, or undefined when it is not there or not the caller's to see. */
  async register(id: string, caller: ScopedCaller): Promise<RegisterView | undefined> {
    const row = await selectRow<RegisterRow>(
      this.tenant.manager,
      `SELECT ${SESSION_COLUMNS}, (${REGISTER}) AS register
         FROM ${SESSION_FROM}
        WHERE ses.id = $1 AND ${sectionInScope('ses.section_id', '$2', '$3')}`,
      [id, caller.reachesAll, caller.userId],
    );
    return row && { ...toSessionView(row), register: row.register };
  }

  /** Whether section `id` exists and is within the caller's reach. */
  async sectionVisible(id: string, caller: ScopedCaller): Promise<boolean> {
    const row = await selectRow<{ visible: boolean }>(
      this.tenant.manager,
      `SELECT ${sectionInScope('sec.id', '$2', '$3')} AS visible FROM sections sec WHERE sec.id = $1`,
      [id, caller.reachesAll, caller.userId],
    );
    return row?.visible ?? false;
  }

  /** The section's sessions in the window, oldest first, with their counts. */
  async list(query: SessionListQuery): Promise<SessionView[]> {
    const rows = await selectRows<SessionRow>(
      this.tenant.manager,
      `SELECT ${SESSION_COLUMNS}
         FROM ${SESSION_FROM}
        WHERE ses.section_id = $1 AND ses.on_date BETWEEN $2 AND $3
          AND ($4::text IS NULL OR ses.kind = $4)
        ORDER BY ses.on_date, ses.period`,
      [query.sectionId, query.from, query.to, query.kind ?? null],
    );
    return rows.map(toSessionView);
  }
}

function toSessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    sectionId: row.sectionId,
    date: row.date,
    kind: row.kind,
    subject: row.subjectId
      ? { id: row.subjectId, code: row.subjectCode!, name: row.subjectName! }
      : null,
    period: row.period,
    unlockedUntil: row.unlockedUntil,
    counts: { present: row.present, absent: row.absent, late: row.late, excused: row.excused },
  };
}
