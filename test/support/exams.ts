import { inSchema, schoolToday, shiftDate } from './school-year';
import { type RegisteredSchool } from './test-app';

/*
 * Exams and papers written with SQL as the owner: the exams' and papers' routes are another
 * part's, and suites of marks, results and report cards need only their rows.
 */

export type ExamStatus = 'draft' | 'scheduled' | 'marking' | 'published' | 'locked';

export interface PaperPlan {
  subjectId: string;
  levelId: string;
  /** null or left out: every section of the level sits it. */
  sectionId?: string | null;
  maxMarks?: number;
  passMarks?: number;
  /** Default: the school's today. */
  sitsOn?: string;
}

export interface ExamPlan {
  name?: string;
  status?: ExamStatus;
  /** The levels the exam covers (exam_levels). */
  levelIds: string[];
  papers: PaperPlan[];
}

export interface InsertedExam {
  termId: string;
  examId: string;
  paperIds: string[];
  today: string;
}

let examNumber = 0;

/**
 * A term covering the school's today (in an academic year 'Exam year' of today ± 150 days,
 * made on first use), then an exam in it with its levels and papers. A published or locked
 * exam gets a published_at, as publishing would leave it.
 */
export async function insertExam(school: RegisteredSchool, plan: ExamPlan): Promise<InsertedExam> {
  const today = await schoolToday(school);
  const termId = await examTerm(school, today);
  const status = plan.status ?? 'marking';
  const [exam] = await inSchema<{ id: string }>(
    school,
    `INSERT INTO exams (term_id, name, status, starts_on, ends_on, published_at)
     VALUES ($1, $2, $3, $4, $4, CASE WHEN $3 IN ('published', 'locked') THEN now() END)
     RETURNING id`,
    [termId, plan.name ?? `Exam ${++examNumber}`, status, today],
  );
  await inSchema(
    school,
    'INSERT INTO exam_levels (exam_id, level_id) SELECT $1, unnest($2::uuid[])',
    [exam.id, plan.levelIds],
  );
  const paperIds: string[] = [];
  for (const paper of plan.papers) {
    const [row] = await inSchema<{ id: string }>(
      school,
      `INSERT INTO exam_papers (exam_id, subject_id, level_id, section_id, sits_on, starts_at,
                                duration_minutes, max_marks, pass_marks)
       VALUES ($1, $2, $3, $4, $5, '09:00', 90, $6, $7) RETURNING id`,
      [
        exam.id,
        paper.subjectId,
        paper.levelId,
        paper.sectionId ?? null,
        paper.sitsOn ?? today,
        paper.maxMarks ?? 100,
        paper.passMarks ?? Math.min(paper.maxMarks ?? 100, 40),
      ],
    );
    paperIds.push(row.id);
  }
  return { termId, examId: exam.id, paperIds, today };
}

/** The exam's status as another part's route would leave it; published also stamps published_at. */
export async function setExamStatus(
  school: RegisteredSchool,
  examId: string,
  status: ExamStatus,
): Promise<void> {
  await inSchema(
    school,
    `UPDATE exams SET status = $2,
            published_at = CASE WHEN $2 = 'published' THEN now() ELSE published_at END
      WHERE id = $1`,
    [examId, status],
  );
}

/** The term of 'Exam year', made on first use around `today`. */
async function examTerm(school: RegisteredSchool, today: string): Promise<string> {
  const [found] = await inSchema<{ id: string }>(
    school,
    `SELECT t.id FROM terms t JOIN academic_years y ON y.id = t.academic_year_id
      WHERE y.name = 'Exam year'`,
  );
  if (found) return found.id;
  const [term] = await inSchema<{ id: string }>(
    school,
    `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                VALUES ('Exam year', $1, $2) RETURNING id)
     INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
     SELECT y.id, 'Exam term', $1, $2 FROM y RETURNING id`,
    [shiftDate(today, -150), shiftDate(today, 150)],
  );
  return term.id;
}
