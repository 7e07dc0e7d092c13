import { Injectable } from '@nestjs/common';
import { likePattern, lockRow } from '@schoolyard/common';
import { academicYearNotFound } from '@schoolyard/calendar';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound, taken } from './academics.errors';
import { CatalogueRepository } from './catalogue.repository';
import {
  type CreateSectionDto,
  type SectionListQuery,
  type SectionPage,
  type SectionSort,
  type SectionView,
} from './dto/sections.dto';
import { displayName } from './instructors';

interface SectionRow {
  id: string;
  name: string;
  academic_year_id: string;
  academic_year_name: string;
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

/** The fields a PATCH may change, and their columns. */
export const SECTION_COLUMNS = {
  name: 'name',
  academicYearId: 'academic_year_id',
  capacity: 'capacity',
  homeroomInstructorId: 'homeroom_instructor_id',
} as const;

/** Sections with their level, program, homeroom instructor and how many students they hold. */
@Injectable()
export class SectionsRepository extends CatalogueRepository<SectionRow, SectionView, SectionSort> {
  constructor(tenant: TenantContext) {
    super(tenant, {
      table: 'sections',
      alias: 'sec',
      select: `sec.id, sec.name, y.id AS academic_year_id, y.name AS academic_year_name, sec.capacity, sec.created_at, sec.updated_at,
        (SELECT count(*)::int FROM section_students ss
          WHERE ss.section_id = sec.id AND ss.left_on IS NULL) AS enrolled_count,
        l.id AS level_id, l.name AS level_name, l.position AS level_position,
        pr.id AS program_id, pr.code AS program_code, pr.name AS program_name,
        hp.id AS homeroom_id, ${displayName('hp')} AS homeroom_name`,
      from: `sections sec
        JOIN academic_years y ON y.id = sec.academic_year_id
        JOIN academic_levels l ON l.id = sec.level_id
        JOIN programs pr ON pr.id = l.program_id
        LEFT JOIN profiles hp ON hp.id = sec.homeroom_instructor_id`,
      orderBy: {
        name: 'lower(sec.name), y.starts_on DESC',
        '-name': 'lower(sec.name) DESC, y.starts_on DESC',
        academicYear: 'y.starts_on, lower(pr.code), l.position, lower(sec.name)',
        '-academicYear': 'y.starts_on DESC, lower(pr.code), l.position, lower(sec.name)',
        level: 'lower(pr.code), l.position, lower(sec.name)',
        '-level': 'lower(pr.code) DESC, l.position DESC, lower(sec.name)',
        createdAt: 'sec.created_at',
        '-createdAt': 'sec.created_at DESC',
      },
      view,
      notFound: notFound('section'),
      taken: (name) => ({
        sections_name_key: () =>
          taken(
            'SECTION_NAME_TAKEN',
            `This level has a section named "${name}" in that academic year`,
            'name',
          ),
      }),
      // Teaching assignments go with the section; content and its students keep it, those who
      // left included: every membership counts, so the section's history is never lost.
      usages: {
        students: 'SELECT count(*) FROM section_students WHERE section_id = $1',
        contents: 'SELECT count(*) FROM course_contents WHERE section_id = $1',
      },
    });
  }

  /**
   * Locks the academic year FOR KEY SHARE, so it cannot be deleted before the section that
   * points at it is written, or answers 404 ACADEMIC_YEAR_NOT_FOUND.
   */
  lockAcademicYear(id: string): Promise<void> {
    return lockRow(this.tenant.manager, 'academic_years', id, academicYearNotFound);
  }

  insertSection(section: CreateSectionDto): Promise<string> {
    return this.insert(
      {
        level_id: section.levelId,
        academic_year_id: section.academicYearId,
        name: section.name,
        capacity: section.capacity,
        homeroom_instructor_id: section.homeroomInstructorId ?? null,
      },
      section.name,
    );
  }

  list(query: SectionListQuery): Promise<SectionPage> {
    return this.page(
      `WHERE ($1::uuid IS NULL OR l.program_id = $1)
         AND ($2::uuid IS NULL OR sec.level_id = $2)
         AND ($3::uuid IS NULL OR sec.academic_year_id = $3)
         AND ($4::uuid IS NULL OR sec.homeroom_instructor_id = $4 OR EXISTS (
              SELECT 1 FROM teaching_assignments ta
               WHERE ta.section_id = sec.id AND ta.instructor_id = $4))
         AND ($5::text IS NULL OR sec.name ILIKE $5)`,
      [
        query.programId ?? null,
        query.levelId ?? null,
        query.academicYearId ?? null,
        query.instructorId ?? null,
        likePattern(query.search),
      ],
      query,
    );
  }
}

function view(row: SectionRow): SectionView {
  return {
    id: row.id,
    name: row.name,
    academicYear: { id: row.academic_year_id, name: row.academic_year_name },
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
