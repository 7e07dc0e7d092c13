import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type SubjectWeightingDto, type SubjectWeightingView } from './dto/report-cards.dto';

/** How a term's grade splits between coursework and exams, per subject. */
@Injectable()
export class WeightingsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Locks the term (two replacements of one term's weightings wait for each other instead of
   * interleaving their deletes and inserts) and names the subjects that do not exist.
   * Undefined: no such term.
   */
  lockTerm(
    termId: string,
    subjectIds: string[],
  ): Promise<{ missingSubjectIds: string[] } | undefined> {
    return selectRow(
      this.tenant.manager,
      `SELECT coalesce((SELECT array_agg(asked.id ORDER BY asked.id)
                          FROM unnest($2::uuid[]) AS asked (id)
                         WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = asked.id)),
                       '{}') AS "missingSubjectIds"
         FROM terms WHERE id = $1 FOR UPDATE`,
      [termId, subjectIds],
    );
  }

  async replace(termId: string, subjects: SubjectWeightingDto[]): Promise<void> {
    await execute(this.tenant.manager, 'DELETE FROM subject_weightings WHERE term_id = $1', [
      termId,
    ]);
    if (subjects.length === 0) return;
    await execute(
      this.tenant.manager,
      `INSERT INTO subject_weightings (term_id, subject_id, coursework_percent)
       SELECT $1, w.subject_id, w.coursework_percent
         FROM unnest($2::uuid[], $3::smallint[]) AS w (subject_id, coursework_percent)`,
      [termId, subjects.map((s) => s.subjectId), subjects.map((s) => s.courseworkPercent)],
    );
  }

  /** The term's weightings by subject code; undefined: no such term. */
  async ofTerm(termId: string): Promise<SubjectWeightingView[] | undefined> {
    const rows = await selectRows<SubjectWeightingView & { termFound: boolean }>(
      this.tenant.manager,
      `SELECT true AS "termFound", w.subject_id AS "subjectId", s.code, s.name,
              w.coursework_percent AS "courseworkPercent",
              100 - w.coursework_percent AS "examPercent"
         FROM terms t
         LEFT JOIN subject_weightings w ON w.term_id = t.id
         LEFT JOIN subjects s ON s.id = w.subject_id
        WHERE t.id = $1
        ORDER BY s.code`,
      [termId],
    );
    if (rows.length === 0) return undefined;
    return rows
      .filter((row) => row.subjectId !== null)
      .map(({ subjectId, code, name, courseworkPercent, examPercent }) => ({
        subjectId,
        code,
        name,
        courseworkPercent,
        examPercent,
      }));
  }
}
