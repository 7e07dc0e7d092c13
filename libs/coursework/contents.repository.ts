import { Injectable } from '@nestjs/common';
import { displayName } from '@schoolyard/academics';
import {
  type columnAssignments,
  deleteUnlessInUse,
  execute,
  likePattern,
  oneRow,
  queryPage,
  selectRow,
  selectRows,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { CONTENT_IN_SCOPE, scopeParameters } from './coursework-scope';
import { contentNotFound } from './coursework.errors';
import {
  type ContentKind,
  type ContentListQuery,
  type ContentPage,
  type ContentSort,
  type ContentView,
  type CreateContentDto,
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
  sec.id AS section_id, sec.name AS section_name,
  (SELECT y.name FROM academic_years y WHERE y.id = sec.academic_year_id) AS academic_year,
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

/** The fields a PATCH may change, and their columns. */
export const CONTENT_COLUMNS = {
  title: 'title',
  body: 'body',
  dueAt: 'due_at',
  maxPoints: 'max_points',
  isPublished: 'is_published',
} as const;

/** What the service needs to know of a content before changing it. */
export interface ContentFacts {
  section_id: string;
  subject_id: string;
  kind: ContentKind;
}

/** The levels of a section and a subject, both locked FOR KEY SHARE. */
export interface ContentPlace {
  section_level: string;
  subject_level: string | null;
}

/** Course content as viewers see it; the scope is always $1..$3 (see coursework-scope). */
@Injectable()
export class ContentsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Undefined when the section or the subject is missing. */
  lockPlace(sectionId: string, subjectId: string): Promise<ContentPlace | undefined> {
    return selectRow<ContentPlace>(
      this.tenant.manager,
      `SELECT sec.level_id AS section_level, su.level_id AS subject_level
         FROM sections sec, subjects su WHERE sec.id = $1 AND su.id = $2
          FOR KEY SHARE OF sec, su`,
      [sectionId, subjectId],
    );
  }

  async sectionExists(sectionId: string): Promise<boolean> {
    const rows = await selectRows(this.tenant.manager, `SELECT 1 FROM sections WHERE id = $1`, [
      sectionId,
    ]);
    return rows.length > 0;
  }

  async insertContent(content: CreateContentDto, authorId: string): Promise<string> {
    const [row] = await selectRows<{ id: string }>(
      this.tenant.manager,
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
    return row.id;
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
                       SELECT ss.section_id FROM section_students ss
                        WHERE ss.student_id = $8 AND ss.left_on IS NULL))
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
  async find(viewer: CourseworkViewer, id: string): Promise<ContentView> {
    return view(
      await oneRow<ContentRow>(
        this.tenant.manager,
        `SELECT ${SELECT} FROM ${FROM} WHERE ${CONTENT_IN_SCOPE} AND c.id = $4`,
        [...scopeParameters(viewer), id],
        contentNotFound,
      ),
    );
  }

  /** Locked FOR UPDATE, for a change or a delete; undefined if not in this school. */
  lockContent(id: string): Promise<ContentFacts | undefined> {
    return selectRow<ContentFacts>(
      this.tenant.manager,
      `SELECT section_id, subject_id, kind FROM course_contents WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  /** The most points any submission to the content was given, or null. */
  async highestAwarded(id: string): Promise<number | null> {
    const awarded = await selectRow<{ highest: string | null }>(
      this.tenant.manager,
      `SELECT max(points) AS highest FROM submissions WHERE content_id = $1`,
      [id],
    );
    const highest = awarded?.highest ?? null;
    return highest === null ? null : Number(highest);
  }

  async updateContent(
    id: string,
    changes: ReturnType<typeof columnAssignments>,
    publish: boolean,
  ): Promise<void> {
    // First publication is stamped once; unpublishing keeps the stamp for the record.
    await execute(
      this.tenant.manager,
      `UPDATE course_contents SET ${changes.set(2)}, updated_at = now(),
              published_at = CASE WHEN $${changes.values.length + 2}::boolean
                                  THEN coalesce(published_at, now()) ELSE published_at END
        WHERE id = $1`,
      [id, ...changes.values, publish],
    );
  }

  /** Deletes the content unless submissions were handed in to it (409 IN_USE). */
  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'course_contents',
      id,
      { submissions: 'SELECT count(*) FROM submissions WHERE content_id = $1' },
      contentNotFound,
    );
  }
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
