import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { AcademicLevelsRepository } from './academic-levels.repository';
import {
  type CreateSubjectDto,
  type SubjectListQuery,
  type SubjectPage,
  type SubjectView,
  type UpdateSubjectDto,
} from './dto/subjects.dto';
import { SUBJECT_COLUMNS, SubjectsRepository } from './subjects.repository';

/** Subjects (Mathematics, MATH-7), optionally tied to the academic level they belong to. */
@Injectable()
export class SubjectsService {
  constructor(
    private readonly subjects: SubjectsRepository,
    private readonly levels: AcademicLevelsRepository,
  ) {}

  async create(subject: CreateSubjectDto): Promise<SubjectView> {
    if (subject.levelId) await this.levels.lock(subject.levelId);
    return this.get(await this.subjects.insertSubject(subject));
  }

  list(query: SubjectListQuery): Promise<SubjectPage> {
    return this.subjects.list(query);
  }

  get(id: string): Promise<SubjectView> {
    return this.subjects.find(id);
  }

  async update(id: string, changes: UpdateSubjectDto): Promise<SubjectView> {
    const plan = patchOf(changes, SUBJECT_COLUMNS, ['code', 'name']);
    if (changes.levelId) await this.levels.lock(changes.levelId);
    await this.subjects.update(id, plan, changes.code);
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return this.subjects.remove(id);
  }
}
