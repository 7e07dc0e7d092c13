import { Injectable } from '@nestjs/common';
import { likePattern } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { CatalogueRepository } from './catalogue.repository';
import { notFound, taken } from './academics.errors';
import {
  type CreateProgramDto,
  type ProgramListQuery,
  type ProgramPage,
  type ProgramSort,
  type ProgramView,
} from './dto/programs.dto';

interface ProgramRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  level_count: number;
  created_at: Date;
  updated_at: Date;
}

/** The fields a PATCH may change, and their columns. */
export const PROGRAM_COLUMNS = { code: 'code', name: 'name', description: 'description' } as const;

/** Programs of study, each with how many academic levels it holds. */
@Injectable()
export class ProgramsRepository extends CatalogueRepository<ProgramRow, ProgramView, ProgramSort> {
  constructor(tenant: TenantContext) {
    super(tenant, {
      table: 'programs',
      alias: 'pr',
      select: `pr.id, pr.code, pr.name, pr.description, pr.created_at, pr.updated_at,
        (SELECT count(*)::int FROM academic_levels l WHERE l.program_id = pr.id) AS level_count`,
      from: 'programs pr',
      orderBy: {
        code: 'lower(pr.code)',
        '-code': 'lower(pr.code) DESC',
        name: 'lower(pr.name)',
        '-name': 'lower(pr.name) DESC',
        createdAt: 'pr.created_at',
        '-createdAt': 'pr.created_at DESC',
      },
      view,
      notFound: notFound('program'),
      taken: (code) => ({
        programs_code_key: () =>
          taken('PROGRAM_CODE_TAKEN', `A program with code "${code}" exists`, 'code'),
      }),
      usages: { academicLevels: 'SELECT count(*) FROM academic_levels WHERE program_id = $1' },
    });
  }

  insertProgram(program: CreateProgramDto): Promise<string> {
    return this.insert(
      { code: program.code, name: program.name, description: program.description ?? null },
      program.code,
    );
  }

  list(query: ProgramListQuery): Promise<ProgramPage> {
    return this.page(
      'WHERE ($1::text IS NULL OR pr.name ILIKE $1 OR pr.code ILIKE $1)',
      [likePattern(query.search)],
      query,
    );
  }
}

function view(row: ProgramRow): ProgramView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    levelCount: row.level_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
