import { Injectable } from '@nestjs/common';
import {
  deleteUnlessInUse,
  likePattern,
  lockRow,
  oneRow,
  patchOf,
  queryPage,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { capacityBelowEnrolment, notFound, taken } from './academics.errors';
import {
  type CreateSectionDto,
  type SectionListQuery,
  type SectionPage,
  type SectionSort,
  type SectionView,
  type UpdateSectionDto,
} from './dto/sections.dto';
import { displayName, requireInstructor } from './instructors';

interface SectionRow {
  id: string;
  name: string;
  academic_year: string;
  capacity: number;
  enrolled_count: number;
  level_id: string;
  level_name: string;
  level_position: number;
  program_id: string;
  program_code: string;
  program_name: string;
  homeroom_id: string | null;
  homeroom_name: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `sec.id, sec.name, sec.academic_year, sec.capacity, sec.created_at, sec.updated_at,
  (SELECT count(*)::int FROM section_students ss WHERE ss.section_id = sec.id) AS enrolled_count,
  l.id AS level_id, l.name AS level_name, l.position AS level_position,
  pr.id AS program_id, pr.code AS program_code, pr.name AS program_name,
  hp.id AS homeroom_id, ${displayName('hp')} AS homeroom_name`;
const FROM = `sections sec
  JOIN academic_levels l ON l.id = sec.level_id
  JOIN programs pr ON pr.id = l.program_id
  LEFT JOIN profiles hp ON hp.id = sec.homeroom_instructor_id`;

const ORDER_BY: Record<SectionSort, string> = {
  name: 'lower(sec.name), sec.academic_year DESC',
  '-name': 'lower(sec.name) DESC, sec.academic_year DESC',
  academicYear: 'sec.academic_year, lower(pr.code), l.position, lower(sec.name)',
  '-academicYear': 'sec.academic_year DESC, lower(pr.code), l.position, lower(sec.name)',
  level: 'lower(pr.code), l.position, lower(sec.name)',
  '-level': 'lower(pr.code) DESC, l.position DESC, lower(sec.name)',
  createdAt: 'sec.created_at',
  '-createdAt': 'sec.created_at DESC',
};

const FIELDS = {
  name: 'name',
  academicYear: 'academic_year',
  capacity: 'capacity',
  homeroomInstructorId: 'homeroom_instructor_id',
} as const;

const sectionNotFound = notFound('section');
const nameTaken = (name: string | undefined) => ({
  sections_name_key: () =>
    taken(
      'SECTION_NAME_TAKEN',
      `This level has a section named "${name}" in that academic year`,
      'name',
    ),
});

/** Sections (7A of 2025-2026): a level's class of students in one academic year. */
@Injectable()
export class SectionsService {
  constructor(private readonly tenant: TenantContext) {}

  async create(section: CreateSectionDto): Promise<SectionView> {
    const manager = this.tenant.manager;
    await lockRow(manager, 'academic_levels', section.levelId, notFound('academic level'));
    if (section.homeroomInstructorId) {
      await requireInstructor(manager, section.homeroomInstructorId);
    }
    const [row]: Array<{ id: string }> = await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO sections (level_id, academic_year, name, capacity, homeroom_instructor_id)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            section.levelId,
            section.academicYear,
            section.name,
            section.capacity,
            section.homeroomInstructorId ?? null,
          ],
        ),
      nameTaken(section.name),
    );
    return this.get(row.id);
  }

  async list(query: SectionListQuery): Promise<SectionPage> {
    const { rows, meta } = await queryPage<SectionRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: FROM,
        where: `WHERE ($1::uuid IS NULL OR l.program_id = $1)
                  AND ($2::uuid IS NULL OR sec.level_id = $2)
                  AND ($3::text IS NULL OR sec.academic_year = $3)
                  AND ($4::uuid IS NULL OR sec.homeroom_instructor_id = $4 OR EXISTS (
                       SELECT 1 FROM teaching_assignments ta
                        WHERE ta.section_id = sec.id AND ta.instructor_id = $4))
                  AND ($5::text IS NULL OR sec.name ILIKE $5)`,
        orderBy: `${ORDER_BY[query.sort]}, sec.id`,
      },
      [
        query.programId ?? null,
        query.levelId ?? null,
        query.academicYear ?? null,
        query.instructorId ?? null,
        likePattern(query.search),
      ],
      query,
    );
    return { data: rows.map(view), meta };
  }

  async get(id: string): Promise<SectionView> {
    return view(
      await oneRow<SectionRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM ${FROM} WHERE sec.id = $1`,
        [id],
        sectionNotFound,
      ),
    );
  }

  async update(id: string, changes: UpdateSectionDto): Promise<SectionView> {
    const plan = patchOf(changes, FIELDS, ['name', 'academicYear', 'capacity']);
    const manager = this.tenant.manager;
    if (changes.capacity !== undefined) {
      // Locked first, so no enrolment can slip in between the count and the change.
      const enrolled = await lockedEnrolment(manager, id);
      if (changes.capacity < enrolled.count) {
        throw capacityBelowEnrolment(enrolled.count);
      }
    }
    if (changes.homeroomInstructorId) {
      await requireInstructor(manager, changes.homeroomInstructorId);
    }
    await updateRow(manager, 'sections', id, plan, {
      conflicts: nameTaken(changes.name),
      notFound: sectionNotFound,
    });
    return this.get(id);
  }

  /** Teaching assignments go with the section; enrolled students and content keep it. */
  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'sections',
      id,
      {
        students: 'SELECT count(*) FROM section_students WHERE section_id = $1',
        contents: 'SELECT count(*) FROM course_contents WHERE section_id = $1',
      },
      sectionNotFound,
    );
  }
}

/**
 * Locks the section FOR UPDATE (enrolments and capacity changes queue behind each other)
 * and answers its capacity and how many students it holds.
 */
export async function lockedEnrolment(
  manager: EntityManager,
  sectionId: string,
): Promise<{ capacity: number; count: number }> {
  const [section]: Array<{ capacity: number }> = await manager.query(
    `SELECT capacity FROM sections WHERE id = $1 FOR UPDATE`,
    [sectionId],
  );
  if (!section) throw sectionNotFound();
  const [enrolled]: Array<{ n: number }> = await manager.query(
    `SELECT count(*)::int AS n FROM section_students WHERE section_id = $1`,
    [sectionId],
  );
  return { capacity: section.capacity, count: enrolled.n };
}

function view(row: SectionRow): SectionView {
  return {
    id: row.id,
    name: row.name,
    academicYear: row.academic_year,
    capacity: row.capacity,
    enrolledCount: row.enrolled_count,
    level: { id: row.level_id, name: row.level_name, position: row.level_position },
    program: { id: row.program_id, code: row.program_code, name: row.program_name },
    homeroomInstructor: row.homeroom_id
      ? { id: row.homeroom_id, displayName: row.homeroom_name ?? '' }
      : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
