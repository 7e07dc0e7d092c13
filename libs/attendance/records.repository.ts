import { Injectable } from '@nestjs/common';
import { SCHOOL_DAYS_SQL, type DayRefusal } from '@schoolyard/calendar';
import { execute, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { memberOn } from './attendance-scope';
import { type RecordDto } from './dto/sessions.dto';

/** Why a save cannot go ahead: the day, or students who cannot be marked. */
export interface SaveCheck {
  refusal: DayRefusal | null;
  /** Not students of this school at all. */
  unknown: string[];
  /** Students, but not active or not in the section on the date. */
  unmarkable: string[];
}

/** The marks of a register. Set-based: one statement whatever the number of students. */
@Injectable()
export class RecordsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The day's standing and the students who cannot be marked on it, in one statement. */
  async check(sectionId: string, date: string, studentIds: string[]): Promise<SaveCheck> {
    const row = await selectRow<SaveCheck>(
      this.tenant.manager,
      `WITH day AS (${SCHOOL_DAYS_SQL}),
            wanted AS (SELECT DISTINCT unnest($3::uuid[]) AS id)
       SELECT (SELECT refusal FROM day) AS refusal,
              coalesce((SELECT array_agg(w.id::text ORDER BY w.id) FROM wanted w
                         WHERE NOT EXISTS (SELECT 1 FROM students s WHERE s.profile_id = w.id)),
                       '{}') AS unknown,
              coalesce((SELECT array_agg(w.id::text ORDER BY w.id)
                          FROM wanted w JOIN students s ON s.profile_id = w.id
                         WHERE s.status <> 'active'
                            OR NOT EXISTS (SELECT 1 FROM section_students ss
                                            WHERE ss.section_id = $4 AND ss.student_id = w.id
                                              AND ${memberOn('ss', '$1::date')})),
                       '{}') AS unmarkable`,
      [date, date, studentIds, sectionId],
    );
    return row!;
  }

  /**
   * Writes each student's mark, replacing an earlier one (last write wins per student) and
   * signing it with `recorderId` and the moment it was written. Students not listed keep
   * theirs. clock_timestamp(), not now(): saves that waited for the session's lock are
   * stamped in the order they were written, not the order they began.
   */
  async upsert(sessionId: string, records: RecordDto[], recorderId: string | null): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO attendance_records
              (session_id, student_id, status, late_minutes, note, recorded_by, recorded_at)
       SELECT $1, r.student_id, r.status, r.late_minutes, r.note, $6, clock_timestamp()
         FROM unnest($2::uuid[], $3::text[], $4::smallint[], $5::text[])
              AS r(student_id, status, late_minutes, note)
       ON CONFLICT (session_id, student_id) DO UPDATE
          SET status = EXCLUDED.status, late_minutes = EXCLUDED.late_minutes,
              note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by,
              recorded_at = EXCLUDED.recorded_at`,
      [
        sessionId,
        records.map((record) => record.studentId),
        records.map((record) => record.status),
        records.map((record) => record.lateMinutes ?? null),
        records.map((record) => record.note ?? null),
        recorderId,
      ],
    );
  }
}
