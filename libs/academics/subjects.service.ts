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
  type CreateSubjectDto,
  type SubjectListQuery,
  type SubjectPage,
  type SubjectSort,
  type SubjectView,
  type UpdateSubjectDto,
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

const SELECT = `su.id, su.code, su.name, su.description, su.created_at, su.updated_at,
  l.id AS level_id, l.name AS level_name`;
const FROM = 'subjects su LEFT JOIN academic_levels l ON l.id = su.level_id';

const ORDER_BY: Record<SubjectSort, string> = {
  code: 'lower(su.code)',
  '-code': 'lower(su.code) DESC',
  name: 'lower(su.name)',
  '-name': 'lower(su.name) DESC',
  createdAt: 'su.created_at',
  '-createdAt': 'su.created_at DESC',
};

const FIELDS = {
  code: 'code',
  name: 'name',
  levelId: 'level_id',
  description: 'description',
} as const;

const subjectNotFound = notFound('subject');
const codeTaken = (code: string | undefined) => ({
  subjects_code_key: () =>
    taken('SUBJECT_CODE_TAKEN', `A subject with code "${code}" exists`, 'code'),
});

/** Subjects (Mathematics, MATH-7), optionally tied to the academic level they belong to. */
@Injectable()
export class SubjectsService {
  constructor(private readonly tenant: TenantContext) {}

  async create(subject: CreateSubjectDto): Promise<SubjectView> {
    const manager = this.tenant.manager;
    if (subject.levelId) {
      await lockRow(manager, 'academic_levels', subject.levelId, notFound('academic level'));
    }
    const [row]: Array<{ id: string }> = await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO subjects (code, name, level_id, description) VALUES ($1, $2, $3, $4)
           RETURNING id`,
          [subject.code, subject.name, subject.levelId ?? null, subject.description ?? null],
        ),
      codeTaken(subject.code),
    );
    return this.get(row.id);
  }

  async list(query: SubjectListQuery): Promise<SubjectPage> {
    const { rows, meta } = await queryPage<SubjectRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: FROM,
        where: `WHERE ($1::uuid IS NULL OR su.level_id = $1)
                  AND ($2::text IS NULL OR su.name ILIKE $2 OR su.code ILIKE $2)`,
        orderBy: `${ORDER_BY[query.sort]}, su.id`,
      },
      [query.levelId ?? null, likePattern(query.search)],
      query,
    );
    return { data: rows.map(view), meta };
  }

  async get(id: string): Promise<SubjectView> {
    return view(
      await oneRow<SubjectRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM ${FROM} WHERE su.id = $1`,
        [id],
        subjectNotFound,
      ),
    );
  }

  async update(id: string, changes: UpdateSubjectDto): Promise<SubjectView> {
    const plan = patchOf(changes, FIELDS, ['code', 'name']);
    const manager = this.tenant.manager;
    if (changes.levelId) {
      await lockRow(manager, 'academic_levels', changes.levelId, notFound('academic level'));
    }
    await updateRow(manager, 'subjects', id, plan, {
      conflicts: codeTaken(changes.code),
      notFound: subjectNotFound,
    });
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'subjects',
      id,
      {
        teachingAssignments: 'SELECT count(*) FROM teaching_assignments WHERE subject_id = $1',
        contents: 'SELECT count(*) FROM course_contents WHERE subject_id = $1',
      },
      subjectNotFound,
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
