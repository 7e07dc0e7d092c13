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
import { notFound, taken } from './academics.errors';
import {
  type AcademicLevelListQuery,
  type AcademicLevelPage,
  type AcademicLevelView,
  type CreateAcademicLevelDto,
  type LevelSort,
  type UpdateAcademicLevelDto,
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

const SELECT = `l.id, l.name, l.position, l.created_at, l.updated_at,
  pr.id AS program_id, pr.code AS program_code, pr.name AS program_name`;
const FROM = 'academic_levels l JOIN programs pr ON pr.id = l.program_id';

/** Levels are listed program by program; position orders them within their program. */
const ORDER_BY: Record<LevelSort, string> = {
  position: 'lower(pr.code), l.position, lower(l.name)',
  '-position': 'lower(pr.code), l.position DESC, lower(l.name)',
  name: 'lower(l.name)',
  '-name': 'lower(l.name) DESC',
  createdAt: 'l.created_at',
};

const FIELDS = { name: 'name', position: 'position' } as const;

const levelNotFound = notFound('academic level');
const nameTaken = (name: string | undefined) => ({
  academic_levels_name_key: () =>
    taken('ACADEMIC_LEVEL_NAME_TAKEN', `This program has a level named "${name}"`, 'name'),
});

/** Academic levels (Grade 7, Year 12): ordered steps of a program. */
@Injectable()
export class AcademicLevelsService {
  constructor(private readonly tenant: TenantContext) {}

  async create(level: CreateAcademicLevelDto): Promise<AcademicLevelView> {
    const manager = this.tenant.manager;
    await lockRow(manager, 'programs', level.programId, notFound('program'));
    const [row]: Array<{ id: string }> = await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO academic_levels (program_id, name, position) VALUES ($1, $2, $3)
           RETURNING id`,
          [level.programId, level.name, level.position],
        ),
      nameTaken(level.name),
    );
    return this.get(row.id);
  }

  async list(query: AcademicLevelListQuery): Promise<AcademicLevelPage> {
    const { rows, meta } = await queryPage<LevelRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: FROM,
        where: `WHERE ($1::uuid IS NULL OR l.program_id = $1)
                  AND ($2::text IS NULL OR l.name ILIKE $2)`,
        orderBy: `${ORDER_BY[query.sort]}, l.id`,
      },
      [query.programId ?? null, likePattern(query.search)],
      query,
    );
    return { data: rows.map(view), meta };
  }

  async get(id: string): Promise<AcademicLevelView> {
    return view(
      await oneRow<LevelRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM ${FROM} WHERE l.id = $1`,
        [id],
        levelNotFound,
      ),
    );
  }

  async update(id: string, changes: UpdateAcademicLevelDto): Promise<AcademicLevelView> {
    const plan = patchOf(changes, FIELDS, ['name', 'position']);
    await updateRow(this.tenant.manager, 'academic_levels', id, plan, {
      conflicts: nameTaken(changes.name),
      notFound: levelNotFound,
    });
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'academic_levels',
      id,
      {
        sections: 'SELECT count(*) FROM sections WHERE level_id = $1',
        subjects: 'SELECT count(*) FROM subjects WHERE level_id = $1',
      },
      levelNotFound,
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
