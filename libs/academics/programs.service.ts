import { Injectable } from '@nestjs/common';
import {
  deleteUnlessInUse,
  likePattern,
  oneRow,
  patchOf,
  queryPage,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound, taken } from './academics.errors';
import {
  type CreateProgramDto,
  type ProgramListQuery,
  type ProgramPage,
  type ProgramSort,
  type ProgramView,
  type UpdateProgramDto,
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

const SELECT = `pr.id, pr.code, pr.name, pr.description, pr.created_at, pr.updated_at,
  (SELECT count(*)::int FROM academic_levels l WHERE l.program_id = pr.id) AS level_count`;

const ORDER_BY: Record<ProgramSort, string> = {
  code: 'lower(pr.code)',
  '-code': 'lower(pr.code) DESC',
  name: 'lower(pr.name)',
  '-name': 'lower(pr.name) DESC',
  createdAt: 'pr.created_at',
  '-createdAt': 'pr.created_at DESC',
};

const FIELDS = { code: 'code', name: 'name', description: 'description' } as const;

const programNotFound = notFound('program');

/** Programs of study (primary, IGCSE, IB Diploma): each holds ordered academic levels. */
@Injectable()
export class ProgramsService {
  constructor(private readonly tenant: TenantContext) {}

  async create(program: CreateProgramDto): Promise<ProgramView> {
    const manager = this.tenant.manager;
    const [row]: Array<{ id: string }> = await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO programs (code, name, description) VALUES ($1, $2, $3) RETURNING id`,
          [program.code, program.name, program.description ?? null],
        ),
      codeTaken(program.code),
    );
    return this.get(row.id);
  }

  async list(query: ProgramListQuery): Promise<ProgramPage> {
    const { rows, meta } = await queryPage<ProgramRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: 'programs pr',
        where: 'WHERE ($1::text IS NULL OR pr.name ILIKE $1 OR pr.code ILIKE $1)',
        orderBy: `${ORDER_BY[query.sort]}, pr.id`,
      },
      [likePattern(query.search)],
      query,
    );
    return { data: rows.map(view), meta };
  }

  async get(id: string): Promise<ProgramView> {
    return view(
      await oneRow<ProgramRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM programs pr WHERE pr.id = $1`,
        [id],
        programNotFound,
      ),
    );
  }

  async update(id: string, changes: UpdateProgramDto): Promise<ProgramView> {
    const plan = patchOf(changes, FIELDS, ['code', 'name']);
    await updateRow(this.tenant.manager, 'programs', id, plan, {
      conflicts: codeTaken(changes.code),
      notFound: programNotFound,
    });
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'programs',
      id,
      { academicLevels: 'SELECT count(*) FROM academic_levels WHERE program_id = $1' },
      programNotFound,
    );
  }
}

const codeTaken = (code: string | undefined) => ({
  programs_code_key: () =>
    taken('PROGRAM_CODE_TAKEN', `A program with code "${code}" exists`, 'code'),
});

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
