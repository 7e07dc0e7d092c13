import { Injectable } from '@nestjs/common';
import { displayName, notFound, subjectOfAnotherLevel } from '@schoolyard/academics';
import {
  deleteUnlessInUse,
  likePattern,
  oneRow,
  patchOf,
  queryPage,
  validationFailed,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { CONTENT_IN_SCOPE, scopeParameters, teachingInstructor } from './coursework-scope';
import { contentNotFound, maxBelowAwarded, notTeaching } from './coursework.errors';
import {
  type ContentKind,
  type ContentListQuery,
  type ContentPage,
  type ContentSort,
  type ContentView,
  type CreateContentDto,
  type UpdateContentDto,
} from './dto/contents.dto';
import { type CourseworkViewer } from './viewer';

interface ContentRow {
  id: string;
  kind: ContentKind;
  title: string;
  body: string;
  section_id: string;
  section_name: string;
  academic_year: string;
  subject_id: string;
  subject_code: string;
  subject_name: string;
  due_at: Date | null;
  max_points: string | null;
  is_published: boolean;
  published_at: Date | null;
  author_id: string | null;
  author_name: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `c.id, c.kind, c.title, c.body, c.due_at, c.max_points, c.is_published,
  c.published_at, c.created_at, c.updated_at,
  sec.id AS section_id, sec.name AS section_name, sec.academic_year,
  su.id AS subject_id, su.code AS subject_code, su.name AS subject_name,
  ap.id AS author_id, ${displayName('ap')} AS author_name`;
const FROM = `course_contents c
  JOIN sections sec ON sec.id = c.section_id
  JOIN subjects su ON su.id = c.subject_id
  LEFT JOIN profiles ap ON ap.id = c.author_id`;

const ORDER_BY: Record<ContentSort, string> = {
  createdAt: 'c.created_at',
  '-createdAt': 'c.created_at DESC',
  dueAt: 'c.due_at NULLS LAST',
  '-dueAt': 'c.due_at DESC NULLS LAST',
  title: 'lower(c.title)',
  '-title': 'lower(c.title) DESC',
};

const FIELDS = {
  title: 'title',
  body: 'body',
  dueAt: 'due_at',
  maxPoints: 'max_points',
  isPublished: 'is_published',
} as const;

/** What the service needs to know of a content before changing it. */
interface ContentFacts {
  section_id: string;
  subject_id: string;
  kind: ContentKind;
}

/**
 * Assignments, notes and resources of a section for a subject. Every method takes the viewer
 * explicitly: HTTP passes the caller, a command may pass anyone (see `Viewers`).
 */
@Injectable()
export class ContentsService {
  constructor(private readonly tenant: TenantContext) {}

  /** Only an instructor teaching the subject in the section (or its homeroom) publishes there. */
  async create(viewer: CourseworkViewer, content: CreateContentDto): Promise<ContentView> {
    const manager = this.tenant.manager;
    refuseAssignmentFields(content.kind, content);
    const [place]: Array<{ section_level: string; subject_level: string | null }> =
      await manager.query(
        `SELECT sec.level_id AS section_level, su.level_id AS subject_level
           FROM sections sec, subjects su WHERE sec.id = $1 AND su.id = $2
            FOR KEY SHARE OF sec, su`,
        [content.sectionId, content.subjectId],
      );
    if (!place) await whichIsMissing(manager, content.sectionId);
    if (place.subject_level && place.subject_level !== place.section_level) {
      throw subjectOfAnotherLevel();
    }
    const authorId = await teachingInstructor(
      manager,
      viewer,
      content.sectionId,
      content.subjectId,
    );
    if (!authorId) throw notTeaching();
    const [row]: Array<{ id: string }> = await manager.query(
      `INSERT INTO course_contents (section_id, subject_id, kind, title, body, due_at, max_points,
                                    is_published, published_at, author_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 THEN now() END, $9) RETURNING id`,
      [
        content.sectionId,
        content.subjectId,
        content.kind,
        content.title,
        content.body,
        content.dueAt ?? null,
        content.maxPoints ?? null,
        content.isPublished ?? false,
        authorId,
      ],
    );
    return this.get(viewer, row.id);
  }

  /** One statement for the page and its total, whatever the page size. */
  async list(viewer: CourseworkViewer, query: ContentListQuery): Promise<ContentPage> {
    const { rows, meta } = await queryPage<ContentRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: FROM,
        where: `WHERE ${CONTENT_IN_SCOPE}
                  AND ($4::uuid IS NULL OR c.section_id = $4)
                  AND ($5::uuid IS NULL OR c.subject_id = $5)
                  AND ($6::text IS NULL OR c.kind = $6)
                  AND ($7::boolean IS NULL OR c.is_published = $7)
                  AND ($8::uuid IS NULL OR c.section_id IN (
                       SELECT ss.section_id FROM section_students ss WHERE ss.student_id = $8))
                  AND ($9::text IS NULL OR c.title ILIKE $9)`,
        orderBy: `${ORDER_BY[query.sort]}, c.id`,
      },
      [
        ...scopeParameters(viewer),
        query.sectionId ?? null,
        query.subjectId ?? null,
        query.kind ?? null,
        query.published ?? null,
        query.studentId ?? null,
        likePattern(query.search),
      ],
      query,
    );
    return { data: rows.map(view), meta };
  }

  /** Content the viewer may not read answers 404, as if it did not exist. */
  async get(viewer: CourseworkViewer, id: string): Promise<ContentView> {
    return view(
      await oneRow<ContentRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM ${FROM} WHERE ${CONTENT_IN_SCOPE} AND c.id = $4`,
        [...scopeParameters(viewer), id],
        contentNotFound,
      ),
    );
  }

  async update(
    viewer: CourseworkViewer,
    id: string,
    changes: UpdateContentDto,
  ): Promise<ContentView> {
    const plan = patchOf(changes, FIELDS, ['title', 'body', 'isPublished']);
    const manager = this.tenant.manager;
    const content = await this.taughtContent(manager, viewer, id);
    refuseAssignmentFields(content.kind, changes);
    if (changes.maxPoints) {
      const [awarded]: Array<{ highest: string | null }> = await manager.query(
        `SELECT max(points) AS highest FROM submissions WHERE content_id = $1`,
        [id],
      );
      if (awarded.highest !== null && Number(awarded.highest) > changes.maxPoints) {
        throw maxBelowAwarded(Number(awarded.highest));
      }
    }
    // First publication is stamped once; unpublishing keeps the stamp for the record.
    await manager.query(
      `WITH changed AS (
         UPDATE course_contents SET ${plan.set(2)}, updated_at = now(),
                published_at = CASE WHEN $${plan.values.length + 2}::boolean
                                    THEN coalesce(published_at, now()) ELSE published_at END
          WHERE id = $1 RETURNING 1)
       SELECT count(*) FROM changed`,
      [id, ...plan.values, changes.isPublished ?? false],
    );
    return this.get(viewer, id);
  }

  async remove(viewer: CourseworkViewer, id: string): Promise<void> {
    const manager = this.tenant.manager;
    await this.taughtContent(manager, viewer, id);
    await deleteUnlessInUse(
      manager,
      'course_contents',
      id,
      { submissions: 'SELECT count(*) FROM submissions WHERE content_id = $1' },
      contentNotFound,
    );
  }

  /** The content, locked for a change; 404 if not in this school, 403 unless the viewer teaches it. */
  private async taughtContent(
    manager: EntityManager,
    viewer: CourseworkViewer,
    id: string,
  ): Promise<ContentFacts> {
    const [content]: ContentFacts[] = await manager.query(
      `SELECT section_id, subject_id, kind FROM course_contents WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!content) throw contentNotFound();
    if (!(await teachingInstructor(manager, viewer, content.section_id, content.subject_id))) {
      throw notTeaching();
    }
    return content;
  }
}

/** Due dates and points belong to assignments; notes and resources have neither. */
function refuseAssignmentFields(
  kind: ContentKind,
  fields: { dueAt?: string | null; maxPoints?: number | null },
): void {
  if (kind === 'assignment') return;
  const present = (['dueAt', 'maxPoints'] as const).filter(
    (field) => fields[field] !== undefined && fields[field] !== null,
  );
  if (present.length) {
    throw validationFailed(
      present.map((field) => ({ field, problems: [`${field} is for assignments only`] })),
    );
  }
}

async function whichIsMissing(manager: EntityManager, sectionId: string): Promise<never> {
  const sections: unknown[] = await manager.query(`SELECT 1 FROM sections WHERE id = $1`, [
    sectionId,
  ]);
  throw notFound(sections.length ? 'subject' : 'section')();
}

function view(row: ContentRow): ContentView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    section: { id: row.section_id, name: row.section_name, academicYear: row.academic_year },
    subject: { id: row.subject_id, code: row.subject_code, name: row.subject_name },
    dueAt: row.due_at,
    maxPoints: row.max_points === null ? null : Number(row.max_points),
    isPublished: row.is_published,
    publishedAt: row.published_at,
    author: row.author_id ? { id: row.author_id, displayName: row.author_name ?? '' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
