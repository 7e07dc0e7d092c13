import { Injectable } from '@nestjs/common';
import { MEMBERS_ON_SQL, membershipHeldOn } from '@schoolyard/academics';
import { callerProfile, callerStaff } from '@schoolyard/attendance';
import { execute, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type MarkChangeView,
  type MarkEntryDto,
  type ReopenedExamView,
  type SectionMarksView,
} from './dto/marks.dto';
import { type ScopedCaller } from '@schoolyard/rbac';

/** A paper as the marks rules see it, for one section and one caller. */
export interface PaperForMarks {
  id: string;
  examId: string;
  subjectId: string;
  sitsOn: string;
  maxMarks: number;
  examStatus: string;
  /** The exam was published at least once: changes need a reason and are kept. */
  keepsHistory: boolean;
  sectionFound: boolean;
  /** The section is the paper's, or the paper has none and the section is of its level. */
  sectionSits: boolean;
  /** The caller teaches the paper's subject in the section (teaching_assignments only). */
  teaches: boolean;
  /** The caller's profile here, which signs what they write. */
  callerProfileId: string | null;
  /**
   * Of the students asked about: those who may not get a mark in this section (not students
   * here, not active, or not in the section on the paper's date).
   */
  outsiders: string[];
}

/** The exam row reopening needs, locked. */
export interface LockedExam {
  id: string;
  status: string;
}

const ymd = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

/**
 * Paper $1 with section $2, caller account $3 and the students $4 who may not get a mark in
 * that section (MEMBERS_ON_SQL on the paper's date: the registers' definition). Locking it (FOR UPDATE of the paper, FOR
 * SHARE of the exam) makes saves of one paper run one after the other, and makes a change of
 * the exam's status (publishing) wait for saves under way, and them for it.
 */
const PAPER = (lock: boolean) => `
  SELECT p.id, p.exam_id AS "examId", p.subject_id AS "subjectId", ${ymd('p.sits_on')} AS "sitsOn",
         p.max_marks::float8 AS "maxMarks", e.status AS "examStatus",
         e.published_at IS NOT NULL AS "keepsHistory",
         sec.id IS NOT NULL AS "sectionFound",
         coalesce(sec.id = p.section_id OR (p.section_id IS NULL AND sec.level_id = p.level_id),
                  false) AS "sectionSits",
         EXISTS (SELECT 1 FROM teaching_assignments ta
                  WHERE ta.section_id = sec.id AND ta.subject_id = p.subject_id
                    AND ta.instructor_id IN (${callerStaff('$3')})) AS teaches,
         ${callerProfile('$3')} AS "callerProfileId",
         coalesce((SELECT array_agg(w.id::text ORDER BY w.id)
                     FROM (SELECT DISTINCT unnest($4::uuid[]) AS id) w
                    WHERE NOT EXISTS (SELECT 1 FROM section_students ss
                                       WHERE ss.student_id = w.id
                                         AND ${MEMBERS_ON_SQL('$2::uuid', 'p.sits_on')})),
                  '{}') AS outsiders
    FROM exam_papers p
    JOIN exams e ON e.id = p.exam_id
    LEFT JOIN sections sec ON sec.id = $2
   WHERE p.id = $1
   ${lock ? 'FOR UPDATE OF p FOR SHARE OF e' : ''}`;

/**
 * The marks of paper $1 in section $2: every active student in the section on the paper's
 * date (MEMBERS_ON_SQL, the registers' definition), with their entry or nulls.
 */
const SECTION_MARKS = `
  SELECT p.id AS "paperId", p.exam_id AS "examId", $2::uuid AS "sectionId",
         p.subject_id AS "subjectId", ${ymd('p.sits_on')} AS "sitsOn",
         p.max_marks::float8 AS "maxMarks", e.status AS "examStatus",
         e.published_at IS NOT NULL AS "keepsHistory",
         (SELECT coalesce(json_agg(json_build_object(
                   'studentId', stu.profile_id,
                   'displayName', pr.first_name || ' ' || pr.last_name,
                   'admissionNumber', stu.admission_number,
                   'marks', m.marks::float8,
                   'absent', coalesce(m.is_absent, false),
                   'entered', m.student_id IS NOT NULL,
                   'enteredBy', m.entered_by,
                   'enteredAt', m.entered_at)
                 ORDER BY pr.last_name, pr.first_name, stu.profile_id), '[]')
            FROM section_students ss
            JOIN students stu ON stu.profile_id = ss.student_id
            JOIN profiles pr ON pr.id = stu.profile_id
            LEFT JOIN exam_marks m ON m.paper_id = p.id AND m.student_id = stu.profile_id
           WHERE ${MEMBERS_ON_SQL('$2::uuid', 'p.sits_on')}) AS marks
    FROM exam_papers p JOIN exams e ON e.id = p.exam_id
   WHERE p.id = $1`;

/** The marks of exam papers: entry, history and reopening. Set-based whatever the class size. */
@Injectable()
export class MarksRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Paper `id` as the rules need it, for `sectionId`, the caller and the students to be
   * marked (none for a read); locked when `lock`. One statement, whatever the class size.
   */
  paper(
    id: string,
    sectionId: string,
    caller: ScopedCaller,
    options: { lock: boolean; studentIds: string[] },
  ): Promise<PaperForMarks | undefined> {
    return selectRow<PaperForMarks>(this.tenant.manager, PAPER(options.lock), [
      id,
      sectionId,
      caller.userId,
      options.studentIds,
    ]);
  }

  /**
   * Writes each entry that differs from what is stored (an unchanged entry keeps who entered it
   * and when) and, when `reason` is given, one history row per written entry with the old and
   * new values, in the same statement. The paper is locked by the caller, so the stored values
   * read here are the ones being replaced. Stamped with clock_timestamp(), not now(): a save
   * that waited for the lock is stamped after the one it waited for, so history reads in the
   * order the changes were made. Answers how many entries changed.
   */
  async save(
    paperId: string,
    entries: MarkEntryDto[],
    enteredBy: string | null,
    reason: string | null,
  ): Promise<number> {
    return execute(
      this.tenant.manager,
      `WITH stamp AS (SELECT clock_timestamp() AS at),
            entry AS (
              SELECT * FROM unnest($2::uuid[], $3::numeric[], $4::boolean[])
                         AS e(student_id, marks, is_absent)),
            changed AS (
              SELECT entry.*, m.marks AS old_marks, m.is_absent AS old_absent
                FROM entry
                LEFT JOIN exam_marks m ON m.paper_id = $1 AND m.student_id = entry.student_id
               WHERE m.student_id IS NULL OR m.is_absent <> entry.is_absent
                  OR m.marks IS DISTINCT FROM entry.marks),
            history AS (
              INSERT INTO exam_mark_changes (paper_id, student_id, old_marks, old_absent,
                                             new_marks, new_absent, reason, changed_by,
                                             changed_at)
              SELECT $1, student_id, old_marks, old_absent, marks, is_absent, $6, $5, stamp.at
                FROM changed, stamp WHERE $6::text IS NOT NULL)
       INSERT INTO exam_marks (paper_id, student_id, marks, is_absent, entered_by, entered_at)
       SELECT $1, student_id, marks, is_absent, $5, stamp.at FROM changed, stamp
       ON CONFLICT (paper_id, student_id) DO UPDATE
          SET marks = EXCLUDED.marks, is_absent = EXCLUDED.is_absent,
              entered_by = EXCLUDED.entered_by, entered_at = EXCLUDED.entered_at`,
      [
        paperId,
        entries.map((entry) => entry.studentId),
        entries.map((entry) => (entry.absent ? null : (entry.marks ?? null))),
        entries.map((entry) => entry.absent === true),
        enteredBy,
        reason,
      ],
    );
  }

  /** The section's marks sheet; the transaction's last statement (COMMIT travels with it). */
  async sectionMarks(paperId: string, sectionId: string): Promise<SectionMarksView> {
    const [row] = await this.tenant.finalQuery<SectionMarksView[]>(SECTION_MARKS, [
      paperId,
      sectionId,
    ]);
    return row;
  }

  /**
   * Whether the caller may read paper `id`'s history, and which students' rows: all for the
   * office, otherwise those in a section sitting the paper on its date where the caller
   * teaches its subject. Null: no such paper, or not the caller's.
   */
  async history(
    id: string,
    caller: ScopedCaller,
    studentId: string | null,
  ): Promise<MarkChangeView[] | null> {
    const row = await selectRow<{ changes: MarkChangeView[] | null }>(
      this.tenant.manager,
      `WITH paper AS (SELECT * FROM exam_papers WHERE id = $1),
            taught AS (
              SELECT ta.section_id FROM paper p
                JOIN teaching_assignments ta ON ta.subject_id = p.subject_id
                JOIN sections sec ON sec.id = ta.section_id
               WHERE (sec.id = p.section_id OR (p.section_id IS NULL AND sec.level_id = p.level_id))
                 AND ta.instructor_id IN (${callerStaff('$3')}))
       SELECT CASE WHEN $2::boolean OR EXISTS (SELECT 1 FROM taught) THEN
                (SELECT coalesce(json_agg(json_build_object(
                          'id', c.id, 'studentId', c.student_id,
                          'oldMarks', c.old_marks::float8, 'oldAbsent', c.old_absent,
                          'newMarks', c.new_marks::float8, 'newAbsent', c.new_absent,
                          'reason', c.reason, 'changedBy', c.changed_by,
                          'changedByName', pr.first_name || ' ' || pr.last_name,
                          'changedAt', c.changed_at)
                        ORDER BY c.changed_at DESC, c.student_id, c.id), '[]')
                   FROM exam_mark_changes c
                   LEFT JOIN profiles pr ON pr.id = c.changed_by
                  WHERE c.paper_id = p.id AND ($4::uuid IS NULL OR c.student_id = $4)
                    AND ($2::boolean OR EXISTS (
                          SELECT 1 FROM section_students ss JOIN taught ON taught.section_id = ss.section_id
                           WHERE ss.student_id = c.student_id
                             AND ${membershipHeldOn('ss', 'p.sits_on')})))
              END AS changes
         FROM paper p`,
      [id, caller.reachesAll, caller.userId, studentId],
    );
    return row?.changes ?? null;
  }

  /** Exam `id` locked FOR UPDATE, so a reopening and a publishing run one after the other. */
  lockExam(id: string): Promise<LockedExam | undefined> {
    return selectRow<LockedExam>(
      this.tenant.manager,
      'SELECT id, status FROM exams WHERE id = $1 FOR UPDATE',
      [id],
    );
  }

  /** Published → marking, signed by the caller with the reason; answers the exam. */
  async reopen(id: string, caller: ScopedCaller, reason: string): Promise<ReopenedExamView> {
    // A SELECT over the UPDATE: the driver answers a plain UPDATE with [rows, count].
    const [row] = await this.tenant.finalQuery<ReopenedExamView[]>(
      `WITH reopened AS (
         UPDATE exams
            SET status = 'marking', reopened_at = now(), reopened_by = ${callerProfile('$2')},
                reopen_reason = $3, updated_at = now()
          WHERE id = $1
          RETURNING id, status, published_at AS "publishedAt", reopened_at AS "reopenedAt",
                    reopened_by AS "reopenedBy", reopen_reason AS "reopenReason")
       SELECT * FROM reopened`,
      [id, caller.userId, reason],
    );
    return row;
  }
}
