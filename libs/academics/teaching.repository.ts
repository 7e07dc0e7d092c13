import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { alreadyTeaching } from './academics.errors';
import { type TeachingAssignmentView } from './dto/sections.dto';
import { displayName } from './instructors';

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

/** Who teaches which subject in which section. */
@Injectable()
export class TeachingRepository {
  constructor(private readonly tenant: TenantContext) {}

  listAssignments(sectionId: string): Promise<TeachingAssignmentView[]> {
    return this.assignments('ta.section_id = $1', [sectionId]);
  }

  async findAssignment(id: string): Promise<TeachingAssignmentView | undefined> {
    return (await this.assignments('ta.id = $1', [id]))[0];
  }

  /** The section's level, the section locked FOR KEY SHARE; undefined if there is none. */
  lockSectionLevel(sectionId: string): Promise<{ level_id: string } | undefined> {
    return lockedLevel(this.tenant.manager, 'sections', sectionId);
  }

  /** The subject's level (null for every level), locked FOR KEY SHARE; undefined if none. */
  lockSubjectLevel(subjectId: string): Promise<{ level_id: string | null } | undefined> {
    return lockedLevel(this.tenant.manager, 'subjects', subjectId);
  }

  /** Answers the assignment's id; the same instructor, subject and section twice is refused. */
  async insertAssignment(
    sectionId: string,
    subjectId: string,
    instructorId: string,
  ): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO teaching_assignments (section_id, subject_id, instructor_id)
           VALUES ($1, $2, $3) RETURNING id`,
          [sectionId, subjectId, instructorId],
        ),
      { teaching_assignments_key: alreadyTeaching },
    );
    return row.id;
  }

  /** Answers how many assignments it removed: 0 when the section had no such assignment. */
  deleteAssignment(sectionId: string, assignmentId: string): Promise<number> {
    return execute(
      this.tenant.manager,
      `DELETE FROM teaching_assignments WHERE id = $1 AND section_id = $2`,
      [assignmentId, sectionId],
    );
  }

  private async assignments(
    where: string,
    parameters: unknown[],
  ): Promise<TeachingAssignmentView[]> {
    const rows = await selectRows<TeachingRow>(
      this.tenant.manager,
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

/** `level_id` of row `id` of `table` (a fixed name), locked FOR KEY SHARE. */
function lockedLevel<Row extends { level_id: string | null }>(
  manager: EntityManager,
  table: 'sections' | 'subjects',
  id: string,
): Promise<Row | undefined> {
  return selectRow<Row>(manager, `SELECT level_id FROM ${table} WHERE id = $1 FOR KEY SHARE`, [id]);
}
