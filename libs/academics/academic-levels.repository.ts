import { Injectable } from '@nestjs/common';
import { likePattern } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound, taken } from './academics.errors';
import { CatalogueRepository } from './catalogue.repository';
import {
  type AcademicLevelListQuery,
  type AcademicLevelPage,
  type AcademicLevelView,
  type CreateAcademicLevelDto,
  type LevelSort,
} from './dto/levels.dto';

interface LevelRow {
  id: string;
  name: string;
  position: number;
  program_id: string;
  program_code: string;
  program_name: string;
  created_at: Date;
  updated_at: Date;
}

/** The fields a PATCH may change, and their columns. */
export const LEVEL_COLUMNS = { name: 'name', position: 'position' } as const;

/** Academic levels with the program they belong to. */
@Injectable()
export class AcademicLevelsRepository extends CatalogueRepository<
  LevelRow,
  AcademicLevelView,
  LevelSort
> {
  constructor(tenant: TenantContext) {
    super(tenant, {
      table: 'academic_levels',
      alias: 'l',
      select: `l.id, l.name, l.position, l.created_at, l.updated_at,
        pr.id AS program_id, pr.code AS program_code, pr.name AS program_name`,
      from: 'academic_levels l JOIN programs pr ON pr.id = l.program_id',
      // Levels are listed program by program; position orders them within their program.
      orderBy: {
        position: 'lower(pr.code), l.position, lower(l.name)',
        '-position': 'lower(pr.code), l.position DESC, lower(l.name)',
        name: 'lower(l.name)',
        '-name': 'lower(l.name) DESC',
        createdAt: 'l.created_at',
      },
      view,
      notFound: notFound('academic level'),
      taken: (name) => ({
        academic_levels_name_key: () =>
          taken('ACADEMIC_LEVEL_NAME_TAKEN', `This program has a level named "${name}"`, 'name'),
      }),
      usages: {
        sections: 'SELECT count(*) FROM sections WHERE level_id = $1',
        subjects: 'SELECT count(*) FROM subjects WHERE level_id = $1',
      },
    });
  }

  insertLevel(level: CreateAcademicLevelDto): Promise<string> {
    return this.insert(
      { program_id: level.programId, name: level.name, position: level.position },
      level.name,
    );
  }

  list(query: AcademicLevelListQuery): Promise<AcademicLevelPage> {
    return this.page(
      `WHERE ($1::uuid IS NULL OR l.program_id = $1)
         AND ($2::text IS NULL OR l.name ILIKE $2)`,
      [query.programId ?? null, likePattern(query.search)],
      query,
    );
  }
}

function view(row: LevelRow): AcademicLevelView {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    program: { id: row.program_id, code: row.program_code, name: row.program_name },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
