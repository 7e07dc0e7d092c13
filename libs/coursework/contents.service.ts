import { Injectable } from '@nestjs/common';
import { notFound, subjectOfAnotherLevel } from '@schoolyard/academics';
import { patchOf, validationFailed } from '@schoolyard/common';
import { CONTENT_COLUMNS, type ContentFacts, ContentsRepository } from './contents.repository';
import { contentNotFound, maxBelowAwarded, notTeaching } from './coursework.errors';
import {
  type ContentKind,
  type ContentListQuery,
  type ContentPage,
  type ContentView,
  type CreateContentDto,
  type UpdateContentDto,
} from './dto/contents.dto';
import { type CourseworkViewer } from './viewer';
import { ViewersRepository } from './viewers.repository';

/**
 * Assignments, notes and resources of a section for a subject. Every method takes the viewer
 * explicitly: HTTP passes the caller, a command may pass anyone (see `Viewers`).
 */
@Injectable()
export class ContentsService {
  constructor(
    private readonly contents: ContentsRepository,
    private readonly viewers: ViewersRepository,
  ) {}

  /** Only an instructor teaching the subject in the section (or its homeroom) publishes there. */
  async create(viewer: CourseworkViewer, content: CreateContentDto): Promise<ContentView> {
    refuseAssignmentFields(content.kind, content);
    const place = await this.contents.lockPlace(content.sectionId, content.subjectId);
    if (!place) {
      const sectionExists = await this.contents.sectionExists(content.sectionId);
      throw notFound(sectionExists ? 'subject' : 'section')();
    }
    if (place.subject_level && place.subject_level !== place.section_level) {
      throw subjectOfAnotherLevel();
    }
    const authorId = await this.viewers.teachingInstructor(
      viewer,
      content.sectionId,
      content.subjectId,
    );
    if (!authorId) throw notTeaching();
    return this.get(viewer, await this.contents.insertContent(content, authorId));
  }

  list(viewer: CourseworkViewer, query: ContentListQuery): Promise<ContentPage> {
    return this.contents.list(viewer, query);
  }

  /** Content the viewer may not read answers 404, as if it did not exist. */
  get(viewer: CourseworkViewer, id: string): Promise<ContentView> {
    return this.contents.find(viewer, id);
  }

  async update(
    viewer: CourseworkViewer,
    id: string,
    changes: UpdateContentDto,
  ): Promise<ContentView> {
    const plan = patchOf(changes, CONTENT_COLUMNS, ['title', 'body', 'isPublished']);
    const content = await this.taughtContent(viewer, id);
    refuseAssignmentFields(content.kind, changes);
    if (changes.maxPoints) {
      const highest = await this.contents.highestAwarded(id);
      if (highest !== null && highest > changes.maxPoints) throw maxBelowAwarded(highest);
    }
    await this.contents.updateContent(id, plan, changes.isPublished ?? false);
    return this.get(viewer, id);
  }

  async remove(viewer: CourseworkViewer, id: string): Promise<void> {
    await this.taughtContent(viewer, id);
    await this.contents.remove(id);
  }

  /** The content, locked for a change; 404 if not in this school, 403 unless the viewer teaches it. */
  private async taughtContent(viewer: CourseworkViewer, id: string): Promise<ContentFacts> {
    const content = await this.contents.lockContent(id);
    if (!content) throw contentNotFound();
    if (!(await this.viewers.teachingInstructor(viewer, content.section_id, content.subject_id))) {
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
