import { inSchema } from './school-year';
import { type RegisteredSchool } from './test-app';

/*
 * Exams, papers and marks written with SQL as the owner, for suites of results and report
 * cards: the routes that make them belong to other parts of the exams library, and these
 * suites need only the rows publication reads.
 */

/** A term of the academic year named `yearName` (the campus has '2025-2026'). */
export async function examTerm(
  school: RegisteredSchool,
  yearName = '2025-2026',
  name = 'Term 1',
): Promise<string> {
  const [row] = await inSchema<{ id: string }>(
    school,
    `INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
     SELECT id, $2, starts_on, least(ends_on, starts_on + 150) FROM academic_years WHERE name = $1
     RETURNING id`,
    [yearName, name],
  );
  return row.id;
}

/** Subjects `CODE-1` … of a level (codes are unique in a school: pass a prefix per level). */
export async function examSubjects(
  school: RegisteredSchool,
  levelId: string,
  count: number,
  prefix = 'SUB',
): Promise<string[]> {
  const rows = await inSchema<{ id: string }>(
    school,
    `INSERT INTO subjects (code, name, level_id)
     SELECT $2 || '-' || n, 'Subject ' || n, $1 FROM generate_series(1, $3::int) n
     RETURNING id`,
    [levelId, prefix, count],
  );
  return rows.map((row) => row.id);
}

export interface ExamPlan {
  termId: string;
  levelIds: string[];
  name?: string;
  status?: 'draft' | 'scheduled' | 'marking' | 'published' | 'locked';
  /** null: the school's default scale. */
  scaleId?: string | null;
  /** One paper per subject of `levelId` (the first level unless given), out of 100, pass 40. */
  papers: Array<{
    subjectId: string;
    levelId?: string;
    sectionId?: string;
    maxMarks?: number;
    passMarks?: number;
  }>;
}

/** An exam (in marking by default) with its levels and papers; answers its id and paper ids. */
export async function examWithPapers(
  school: RegisteredSchool,
  plan: ExamPlan,
): Promise<{ examId: string; paperIds: string[] }> {
  const [exam] = await inSchema<{ id: string }>(
    school,
    `WITH e AS (INSERT INTO exams (term_id, name, grading_scale_id, status)
                VALUES ($1, $2, $3, $4) RETURNING id),
          l AS (INSERT INTO exam_levels (exam_id, level_id)
                SELECT e.id, unnest($5::uuid[]) FROM e)
     SELECT id FROM e`,
    [
      plan.termId,
      plan.name ?? 'First terminal',
      plan.scaleId ?? null,
      plan.status ?? 'marking',
      plan.levelIds,
    ],
  );
  const paperIds: string[] = [];
  for (const [i, paper] of plan.papers.entries()) {
    const [row] = await inSchema<{ id: string }>(
      school,
      `INSERT INTO exam_papers (exam_id, subject_id, level_id, section_id, sits_on, starts_at,
                                duration_minutes, max_marks, pass_marks)
       VALUES ($1, $2, $3, $4, DATE '2025-10-01' + $5::int, '10:00', 120, $6, $7) RETURNING id`,
      [
        exam.id,
        paper.subjectId,
        paper.levelId ?? plan.levelIds[0],
        paper.sectionId ?? null,
        i,
        paper.maxMarks ?? 100,
        paper.passMarks ?? 40,
      ],
    );
    paperIds.push(row.id);
  }
  return { examId: exam.id, paperIds };
}

/** Marks as [paper id, student id, marks or 'absent'], entered (or replaced) in one statement. */
export async function enterMarks(
  school: RegisteredSchool,
  marks: Array<[string, string, number | 'absent']>,
): Promise<void> {
  await inSchema(
    school,
    `INSERT INTO exam_marks (paper_id, student_id, marks, is_absent)
     SELECT m.paper_id, m.student_id, m.marks, m.marks IS NULL
       FROM unnest($1::uuid[], $2::uuid[], $3::numeric[]) AS m (paper_id, student_id, marks)
     ON CONFLICT (paper_id, student_id)
     DO UPDATE SET marks = excluded.marks, is_absent = excluded.is_absent`,
    [
      marks.map((mark) => mark[0]),
      marks.map((mark) => mark[1]),
      marks.map((mark) => (mark[2] === 'absent' ? null : mark[2])),
    ],
  );
}

/** What a reopening does to the exam (part B's route): back to marking, results hidden. */
export async function reopenExam(school: RegisteredSchool, examId: string): Promise<void> {
  await inSchema(school, `UPDATE exams SET status = 'marking', reopened_at = now() WHERE id = $1`, [
    examId,
  ]);
}

/** A section of `size` students written straight into the schema, in the year named. */
export async function bulkSection(
  school: RegisteredSchool,
  levelId: string,
  name: string,
  size: number,
  yearName = '2025-2026',
): Promise<{ sectionId: string; studentIds: string[] }> {
  const rows = await inSchema<{ section_id: string; student_id: string }>(
    school,
    `WITH y AS (SELECT id, starts_on FROM academic_years WHERE name = $5),
          sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                  SELECT $1, y.id, $2, 100 FROM y RETURNING id),
          p AS (INSERT INTO profiles (kind, first_name, last_name)
                SELECT 'student', 'Bulk', $2 || '-' || n FROM generate_series(1, $3::int) n
                RETURNING id),
          s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                SELECT id, $4 || '-' || row_number() OVER (), current_date FROM p
                RETURNING profile_id)
     INSERT INTO section_students (section_id, student_id, joined_on)
     SELECT sec.id, s.profile_id, y.starts_on FROM sec, s, y RETURNING section_id, student_id`,
    [levelId, name, size, `E-${name}`, yearName],
  );
  return { sectionId: rows[0].section_id, studentIds: rows.map((row) => row.student_id) };
}
