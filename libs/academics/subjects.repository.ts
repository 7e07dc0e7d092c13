import { Injectable } from '@nestjs/common';
import { likePattern } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound, taken } from './academics.errors';
import { CatalogueRepository } from './catalogue.repository';
import {
  type CreateSubjectDto,
  type SubjectListQuery,
  type SubjectPage,
  type SubjectSort,
  type SubjectView,
} from './dto/subjects.dto';

interface SubjectRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  level_id: string | null;
  level_name: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The fields a PATCH may change, and their columns. */
export const SUBJECT_COLUMNS = {
  code: 'code',
  name: 'name',
  levelId: 'level_id',
  description: 'description',
} as const;

/** Subjects with the academic level they belong to, if any. */
@Injectable()
export class SubjectsRepository extends CatalogueRepository<SubjectRow, SubjectView, SubjectSort> {
  constructor(tenant: TenantContext) {
    super(tenant, {
      table: 'subjects',
      alias: 'su',
      select: `su.id, su.code, su.name, su.description, su.created_at, su.updated_at,
        l.id AS level_id, l.name AS level_name`,
      from: 'subjects su LEFT JOIN academic_levels l ON l.id = su.level_id',
      orderBy: {
        code: 'lower(su.code)',
        '-code': 'lower(su.code) DESC',
        name: 'lower(su.name)',
        '-name': 'lower(su.name) DESC',
        createdAt: 'su.created_at',
        '-createdAt': 'su.created_at DESC',
      },
      view,
      notFound: notFound('subject'),
      taken: (code) => ({
        subjects_code_key: () =>
          taken('SUBJECT_CODE_TAKEN', `A subject with code "${code}" exists`, 'code'),
      }),
      usages: {
        teachingAssignments: 'SELECT count(*) FROM teaching_assignments WHERE subject_id = $1',
        contents: 'SELECT count(*) FROM course_contents WHERE subject_id = $1',
      },
    });
  }

  insertSubject(subject: CreateSubjectDto): Promise<string> {
    return this.insert(
      {
        code: subject.code,
        name: subject.name,
        level_id: subject.levelId ?? null,
        description: subject.description ?? null,
      },
      subject.code,
    );
  }

  list(query: SubjectListQuery): Promise<SubjectPage> {
    return this.page(
      `WHERE ($1::uuid IS NULL OR su.level_id = $1)
         AND ($2::text IS NULL OR su.name ILIKE $2 OR su.code ILIKE $2)`,
      [query.levelId ?? null, likePattern(query.search)],
      query,
    );
  }
}

function view(row: SubjectRow): SubjectView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    level: row.level_id ? { id: row.level_id, name: row.level_name ?? '' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
