import { Injectable } from '@nestjs/common';
import { lockRow, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { alreadyTeaching, notFound, subjectOfAnotherLevel } from './academics.errors';
import { type AssignTeachingDto, type TeachingAssignmentView } from './dto/sections.dto';
import { displayName, requireInstructor } from './instructors';

interface TeachingRow {
  id: string;
  section_id: string;
  subject_id: string;
  subject_code: string;
  subject_name: string;
  instructor_id: string;
  instructor_name: string;
  created_at: Date;
}

const sectionNotFound = notFound('section');

/**
 * Who teaches which subject in which section. An instructor teaching a subject in a section
 * (or the section's homeroom instructor) publishes its content and grades its submissions.
 */
@Injectable()
export class TeachingService {
  constructor(private readonly tenant: TenantContext) {}

  async list(sectionId: string): Promise<TeachingAssignmentView[]> {
    await lockRow(this.tenant.manager, 'sections', sectionId, sectionNotFound);
    return this.rows('ta.section_id = $1', [sectionId]);
  }

  async assign(sectionId: string, teaching: AssignTeachingDto): Promise<TeachingAssignmentView> {
    const manager = this.tenant.manager;
    const [section]: Array<{ level_id: string }> = await manager.query(
      `SELECT level_id FROM sections WHERE id = $1 FOR KEY SHARE`,
      [sectionId],
    );
    if (!section) throw sectionNotFound();
    const [subject]: Array<{ level_id: string | null }> = await manager.query(
      `SELECT level_id FROM subjects WHERE id = $1 FOR KEY SHARE`,
      [teaching.subjectId],
    );
    if (!subject) throw notFound('subject')();
    if (subject.level_id && subject.level_id !== section.level_id) throw subjectOfAnotherLevel();
    await requireInstructor(manager, teaching.instructorId);
    const [row]: Array<{ id: string }> = await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO teaching_assignments (section_id, subject_id, instructor_id)
           VALUES ($1, $2, $3) RETURNING id`,
          [sectionId, teaching.subjectId, teaching.instructorId],
        ),
      { teaching_assignments_key: alreadyTeaching },
    );
    const [view] = await this.rows('ta.id = $1', [row.id]);
    return view;
  }

  async unassign(sectionId: string, assignmentId: string): Promise<void> {
    const [removed]: Array<{ n: number }> = await this.tenant.manager.query(
      `WITH removed AS (
         DELETE FROM teaching_assignments WHERE id = $1 AND section_id = $2 RETURNING 1)
       SELECT count(*)::int AS n FROM removed`,
      [assignmentId, sectionId],
    );
    if (removed.n === 0) throw notFound('teaching assignment')();
  }

  private async rows(where: string, parameters: unknown[]): Promise<TeachingAssignmentView[]> {
    const rows: TeachingRow[] = await this.tenant.manager.query(
      `SELECT ta.id, ta.section_id, ta.created_at, su.id AS subject_id, su.code AS subject_code,
              su.name AS subject_name, p.id AS instructor_id, ${displayName('p')} AS instructor_name
         FROM teaching_assignments ta
         JOIN subjects su ON su.id = ta.subject_id
         JOIN profiles p ON p.id = ta.instructor_id
        WHERE ${where}
        ORDER BY lower(su.code), p.last_name, p.first_name, ta.id`,
      parameters,
    );
    return rows.map((row) => ({
      id: row.id,
      sectionId: row.section_id,
      subject: { id: row.subject_id, code: row.subject_code, name: row.subject_name },
      instructor: { id: row.instructor_id, displayName: row.instructor_name },
      createdAt: row.created_at,
    }));
  }
}
