import { Injectable } from '@nestjs/common';
import { execute, oneRow, selectRow, selectRows, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type PaperListQuery, type PaperView } from './dto/papers.dto';
import { type ClashingPaper, examThingNotFound, paperTaken } from './exams.errors';

const paperNotFound = examThingNotFound('exam paper');

const PAPER_COLUMNS = `p.id, p.exam_id AS "examId",
  json_build_object('id', su.id, 'code', su.code, 'name', su.name) AS subject,
  json_build_object('id', l.id, 'name', l.name) AS level,
  CASE WHEN sec.id IS NULL THEN NULL ELSE json_build_object('id', sec.id, 'name', sec.name) END
    AS section,
  to_char(p.sits_on, 'YYYY-MM-DD') AS "sitsOn", to_char(p.starts_at, 'HH24:MI') AS "startsAt",
  p.duration_minutes AS "durationMinutes", p.max_marks::float8 AS "maxMarks",
  p.pass_marks::float8 AS "passMarks", p.room,
  CASE WHEN inv.id IS NULL THEN NULL ELSE json_build_object('id', inv.id,
    'name', concat_ws(' ', inv.first_name, inv.middle_name, inv.last_name)) END AS invigilator,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

const PAPER_FROM = `exam_papers p
  JOIN subjects su ON su.id = p.subject_id
  JOIN academic_levels l ON l.id = p.level_id
  LEFT JOIN sections sec ON sec.id = p.section_id
  LEFT JOIN profiles inv ON inv.id = p.invigilator_id`;

const TAKEN = { exam_papers_key: paperTaken };

/** A paper as its rules read and write it. */
export interface PaperPlan {
  subjectId: string;
  levelId: string;
  sectionId: string | null;
  sitsOn: string;
  startsAt: string;
  durationMinutes: number;
  maxMarks: number;
  passMarks: number;
  room: string | null;
  invigilatorId: string | null;
}

/** Where the paper's subject, section and invigilator belong, to check them against the level. */
export interface PaperRefs {
  levelInExam: boolean;
  levelExists: boolean;
  subjectLevelId: string | null | undefined;
  subjectExists: boolean;
  sectionLevelId: string | null;
  invigilatorExists: boolean;
}

/** The papers of exams: what is sat, by whom, when and where. */
@Injectable()
export class PapersRepository {
  constructor(private readonly tenant: TenantContext) {}

  find(id: string): Promise<PaperView> {
    return oneRow(
      this.tenant.manager,
      `SELECT ${PAPER_COLUMNS} FROM ${PAPER_FROM} WHERE p.id = $1`,
      [id],
      paperNotFound,
    );
  }

  ofExam(examId: string, query: PaperListQuery): Promise<PaperView[]> {
    return selectRows<PaperView>(
      this.tenant.manager,
      `SELECT ${PAPER_COLUMNS} FROM ${PAPER_FROM}
        WHERE p.exam_id = $1 AND ($2::uuid IS NULL OR p.level_id = $2)
          AND ($3::uuid IS NULL OR p.section_id = $3
               OR (p.section_id IS NULL AND p.level_id = (SELECT level_id FROM sections WHERE id = $3)))
        ORDER BY p.sits_on, p.starts_at, l.position, su.code, sec.name NULLS FIRST`,
      [examId, query.levelId ?? null, query.sectionId ?? null],
    );
  }

  /** The stored paper, in the shape its rules use. */
  plan(id: string): Promise<PaperPlan & { examId: string }> {
    return oneRow(
      this.tenant.manager,
      `SELECT exam_id AS "examId", subject_id AS "subjectId", level_id AS "levelId",
              section_id AS "sectionId", to_char(sits_on, 'YYYY-MM-DD') AS "sitsOn",
              to_char(starts_at, 'HH24:MI') AS "startsAt", duration_minutes AS "durationMinutes",
              max_marks::float8 AS "maxMarks", pass_marks::float8 AS "passMarks", room,
              invigilator_id AS "invigilatorId"
         FROM exam_papers WHERE id = $1`,
      [id],
      paperNotFound,
    );
  }

  /** In one statement, where the level, subject, section and invigilator stand. */
  refs(examId: string, paper: PaperPlan): Promise<PaperRefs> {
    return oneRow(
      this.tenant.manager,
      `SELECT EXISTS (SELECT 1 FROM exam_levels WHERE exam_id = $1 AND level_id = $2)
                AS "levelInExam",
              EXISTS (SELECT 1 FROM academic_levels WHERE id = $2) AS "levelExists",
              (SELECT level_id FROM subjects WHERE id = $3) AS "subjectLevelId",
              EXISTS (SELECT 1 FROM subjects WHERE id = $3) AS "subjectExists",
              (SELECT level_id FROM sections WHERE id = $4::uuid) AS "sectionLevelId",
              ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM staff WHERE profile_id = $5::uuid))
                AS "invigilatorExists"`,
      [examId, paper.levelId, paper.subjectId, paper.sectionId, paper.invigilatorId],
      paperNotFound,
    );
  }

  /**
   * Takes the lock every paper write holds until its transaction ends. SHARE ROW EXCLUSIVE
   * conflicts with itself and with row writes, not with reads nor with the FOR KEY SHARE a
   * mark's foreign key takes: two papers are written one after the other, so the clash check
   * of the second sees the first, while marks entry and reading go on.
   */
  async lockForWriting(): Promise<void> {
    await execute(this.tenant.manager, 'LOCK TABLE exam_papers IN SHARE ROW EXCLUSIVE MODE');
  }

  /**
   * Papers of any exam whose time overlaps the plan's (half-open spans: one may start as the
   * other ends) and that the same pupils sit or the same invigilator watches. A paper with no
   * section is sat by every section of its level.
   */
  clashes(paper: PaperPlan, except: string | null): Promise<ClashingPaper[]> {
    return selectRows<ClashingPaper>(
      this.tenant.manager,
      `WITH span AS (
         SELECT tsrange($1::date + $2::time,
                        $1::date + $2::time + make_interval(mins => $3::int)) AS t)
       SELECT p.id, e.id AS "examId", e.name AS "examName", su.name AS "subjectName",
              p.section_id AS "sectionId", to_char(p.sits_on, 'YYYY-MM-DD') AS "sitsOn",
              to_char(p.starts_at, 'HH24:MI') AS "startsAt", p.duration_minutes AS "durationMinutes",
              CASE WHEN p.level_id = $4
                         AND (p.section_id IS NULL OR $5::uuid IS NULL OR p.section_id = $5::uuid)
                   THEN 'section' ELSE 'invigilator' END AS reason
         FROM span, exam_papers p
         JOIN exams e ON e.id = p.exam_id
         JOIN subjects su ON su.id = p.subject_id
        WHERE p.sits_on BETWEEN $1::date - 1 AND $1::date + 1
          AND p.id IS DISTINCT FROM $7::uuid
          AND tsrange(p.sits_on + p.starts_at,
                      p.sits_on + p.starts_at + make_interval(mins => p.duration_minutes)) && span.t
          AND ((p.level_id = $4
                AND (p.section_id IS NULL OR $5::uuid IS NULL OR p.section_id = $5::uuid))
               OR ($6::uuid IS NOT NULL AND p.invigilator_id = $6::uuid))
        ORDER BY p.sits_on, p.starts_at, p.id`,
      [
        paper.sitsOn,
        paper.startsAt,
        paper.durationMinutes,
        paper.levelId,
        paper.sectionId,
        paper.invigilatorId,
        except,
      ],
    );
  }

  async insert(examId: string, paper: PaperPlan): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO exam_papers (exam_id, subject_id, level_id, section_id, sits_on, starts_at,
             duration_minutes, max_marks, pass_marks, room, invigilator_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [examId, ...columns(paper)],
        ),
      TAKEN,
    );
    return row.id;
  }

  async update(id: string, paper: PaperPlan): Promise<void> {
    await uniqueOr(
      () =>
        execute(
          this.tenant.manager,
          `UPDATE exam_papers SET subject_id = $2, level_id = $3, section_id = $4, sits_on = $5,
                  starts_at = $6, duration_minutes = $7, max_marks = $8, pass_marks = $9,
                  room = $10, invigilator_id = $11, updated_at = now()
            WHERE id = $1`,
          [id, ...columns(paper)],
        ),
      TAKEN,
    );
  }

  markCount(id: string): Promise<number> {
    return selectRow<{ n: number }>(
      this.tenant.manager,
      'SELECT count(*)::int AS n FROM exam_marks WHERE paper_id = $1',
      [id],
    ).then((row) => row?.n ?? 0);
  }

  async delete(id: string): Promise<void> {
    await execute(this.tenant.manager, 'DELETE FROM exam_papers WHERE id = $1', [id]);
  }
}

function columns(paper: PaperPlan): unknown[] {
  return [
    paper.subjectId,
    paper.levelId,
    paper.sectionId,
    paper.sitsOn,
    paper.startsAt,
    paper.durationMinutes,
    paper.maxMarks,
    paper.passMarks,
    paper.room,
    paper.invigilatorId,
  ];
}
