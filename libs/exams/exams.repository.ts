import { Injectable } from '@nestjs/common';
import {
  execute,
  likePattern,
  oneRow,
  queryPage,
  selectRow,
  selectRows,
  uniqueOr,
  updateRow,
  type columnAssignments,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type ExamListQuery, type ExamPage, type ExamStatus, type ExamView } from './dto/exams.dto';
import { examNameTaken, examThingNotFound } from './exams.errors';

const examNotFound = examThingNotFound('exam');

const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

const EXAM_COLUMNS = `e.id, e.name, e.status,
  json_build_object('id', t.id, 'name', t.name,
    'startsOn', ${day('t.starts_on')}, 'endsOn', ${day('t.ends_on')}) AS term,
  CASE WHEN gs.id IS NULL THEN NULL ELSE json_build_object('id', gs.id, 'name', gs.name) END
    AS "gradingScale",
  ${day('e.starts_on')} AS "startsOn", ${day('e.ends_on')} AS "endsOn",
  coalesce((SELECT json_agg(json_build_object('id', l.id, 'name', l.name)
                            ORDER BY l.position, lower(l.name))
              FROM exam_levels el JOIN academic_levels l ON l.id = el.level_id
             WHERE el.exam_id = e.id), '[]') AS levels,
  (SELECT count(*) FROM exam_papers p WHERE p.exam_id = e.id)::int AS "paperCount",
  e.published_at AS "publishedAt", e.reopened_at AS "reopenedAt",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

const EXAM_FROM = `exams e JOIN terms t ON t.id = e.term_id
  LEFT JOIN grading_scales gs ON gs.id = e.grading_scale_id`;

const NAME_TAKEN = { exams_name_key: examNameTaken };

export const EXAM_FIELDS = {
  name: 'name',
  gradingScaleId: 'grading_scale_id',
  startsOn: 'starts_on',
  endsOn: 'ends_on',
} as const;

/** An exam as its rules read it, with its term's dates. */
export interface HeldExam {
  id: string;
  status: ExamStatus;
  startsOn: string | null;
  endsOn: string | null;
  termStartsOn: string;
  termEndsOn: string;
}

export interface Dates {
  startsOn: string;
  endsOn: string;
}

/** Exams, the levels that sit them, and their status. */
@Injectable()
export class ExamsRepository {
  constructor(private readonly tenant: TenantContext) {}

  find(id: string): Promise<ExamView> {
    return oneRow(
      this.tenant.manager,
      `SELECT ${EXAM_COLUMNS} FROM ${EXAM_FROM} WHERE e.id = $1`,
      [id],
      examNotFound,
    );
  }

  async list(query: ExamListQuery): Promise<ExamPage> {
    const { rows, meta } = await queryPage<ExamView>(
      this.tenant.manager,
      {
        select: EXAM_COLUMNS,
        from: EXAM_FROM,
        where: `WHERE ($1::uuid IS NULL OR e.term_id = $1)
                  AND ($2::text IS NULL OR e.status = $2)
                  AND ($3::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM exam_levels el WHERE el.exam_id = e.id AND el.level_id = $3))
                  AND ($4::text IS NULL OR e.name ILIKE $4)`,
        orderBy: 't.starts_on DESC, e.starts_on NULLS LAST, lower(e.name), e.id',
      },
      [
        query.termId ?? null,
        query.status ?? null,
        query.levelId ?? null,
        likePattern(query.search),
      ],
      query,
    );
    return { data: rows, meta };
  }

  /** The term's dates; its row is held (FOR KEY SHARE) so it cannot be deleted meanwhile. */
  termDates(termId: string): Promise<Dates> {
    return oneRow(
      this.tenant.manager,
      `SELECT ${day('starts_on')} AS "startsOn", ${day('ends_on')} AS "endsOn"
         FROM terms WHERE id = $1 FOR KEY SHARE`,
      [termId],
      examThingNotFound('term'),
    );
  }

  /** Which of `ids` are not rows of `table` (a fixed name, never input). */
  async missing(table: 'academic_levels' | 'programs', ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await selectRows<{ id: string }>(
      this.tenant.manager,
      `SELECT sent.id FROM unnest($1::uuid[]) AS sent (id)
        WHERE NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.id = sent.id)`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** The levels named and those of the programs named, held while the exam is written. */
  async levelsOf(levelIds: string[], programIds: string[]): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      this.tenant.manager,
      `SELECT id FROM academic_levels
        WHERE id = ANY($1::uuid[]) OR program_id = ANY($2::uuid[])
        ORDER BY id FOR KEY SHARE`,
      [levelIds, programIds],
    );
    return rows.map((row) => row.id);
  }

  async insert(exam: {
    termId: string;
    name: string;
    gradingScaleId: string | null;
    startsOn: string | null;
    endsOn: string | null;
    levelIds: string[];
  }): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO exams (term_id, name, grading_scale_id, starts_on, ends_on)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [exam.termId, exam.name, exam.gradingScaleId, exam.startsOn, exam.endsOn],
        ),
      NAME_TAKEN,
    );
    await execute(
      this.tenant.manager,
      'INSERT INTO exam_levels (exam_id, level_id) SELECT $1, unnest($2::uuid[])',
      [row.id, exam.levelIds],
    );
    return row.id;
  }

  /**
   * Holds the exam's row: FOR UPDATE for a change of status, dates or a deletion; FOR SHARE
   * while papers are written, so its status and dates cannot change under them.
   */
  hold(id: string, mode: 'FOR UPDATE' | 'FOR SHARE'): Promise<HeldExam> {
    return oneRow(
      this.tenant.manager,
      `SELECT e.id, e.status, ${day('e.starts_on')} AS "startsOn", ${day('e.ends_on')} AS "endsOn",
              ${day('t.starts_on')} AS "termStartsOn", ${day('t.ends_on')} AS "termEndsOn"
         FROM exams e JOIN terms t ON t.id = e.term_id
        WHERE e.id = $1 ${mode} OF e`,
      [id],
      examNotFound,
    );
  }

  /** Papers of the exam sat outside startsOn..endsOn (either may be open). */
  async papersOutside(
    examId: string,
    startsOn: string | null,
    endsOn: string | null,
  ): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      this.tenant.manager,
      `SELECT id FROM exam_papers
        WHERE exam_id = $1 AND (sits_on < $2::date OR sits_on > $3::date) ORDER BY sits_on`,
      [examId, startsOn, endsOn],
    );
    return rows.map((row) => row.id);
  }

  update(id: string, plan: ReturnType<typeof columnAssignments>): Promise<void> {
    return updateRow(this.tenant.manager, 'exams', id, plan, {
      conflicts: NAME_TAKEN,
      notFound: examNotFound,
    });
  }

  paperCount(id: string): Promise<number> {
    return selectRow<{ n: number }>(
      this.tenant.manager,
      'SELECT count(*)::int AS n FROM exam_papers WHERE exam_id = $1',
      [id],
    ).then((row) => row?.n ?? 0);
  }

  markCount(id: string): Promise<number> {
    return selectRow<{ n: number }>(
      this.tenant.manager,
      `SELECT count(*)::int AS n FROM exam_marks m JOIN exam_papers p ON p.id = m.paper_id
        WHERE p.exam_id = $1`,
      [id],
    ).then((row) => row?.n ?? 0);
  }

  async setStatus(id: string, status: ExamStatus): Promise<void> {
    await execute(
      this.tenant.manager,
      'UPDATE exams SET status = $2, updated_at = now() WHERE id = $1',
      [id, status],
    );
  }

  async delete(id: string): Promise<void> {
    await execute(this.tenant.manager, 'DELETE FROM exams WHERE id = $1', [id]);
  }
}
