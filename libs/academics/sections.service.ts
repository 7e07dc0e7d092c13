import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { AcademicLevelsRepository } from './academic-levels.repository';
import { capacityBelowEnrolment } from './academics.errors';
import {
  type CreateSectionDto,
  type SectionListQuery,
  type SectionPage,
  type SectionView,
  type UpdateSectionDto,
} from './dto/sections.dto';
import { EnrolmentRepository } from './enrolment.repository';
import { InstructorsRepository } from './instructors.repository';
import { SECTION_COLUMNS, SectionsRepository } from './sections.repository';

/** Sections (7A of 2025-2026): a level's class of students in one academic year. */
@Injectable()
export class SectionsService {
  constructor(
    private readonly sections: SectionsRepository,
    private readonly levels: AcademicLevelsRepository,
    private readonly instructors: InstructorsRepository,
    private readonly enrolment: EnrolmentRepository,
  ) {}

  async create(section: CreateSectionDto): Promise<SectionView> {
    await this.levels.lock(section.levelId);
    if (section.homeroomInstructorId) {
      await this.instructors.lockInstructor(section.homeroomInstructorId);
    }
    await this.sections.lockAcademicYear(section.academicYearId);
    return this.get(await this.sections.insertSection(section));
  }

  list(query: SectionListQuery): Promise<SectionPage> {
    return this.sections.list(query);
  }

  get(id: string): Promise<SectionView> {
    return this.sections.find(id);
  }

  async update(id: string, changes: UpdateSectionDto): Promise<SectionView> {
    const plan = patchOf(changes, SECTION_COLUMNS, ['name', 'capacity', 'academicYearId']);
    if (changes.capacity !== undefined) {
      // Locked first, so no enrolment can slip in between the count and the change.
      const enrolled = await this.enrolment.lockSectionForEnrolment(id);
      if (changes.capacity < enrolled.count) {
        throw capacityBelowEnrolment(enrolled.count);
      }
    }
    if (changes.homeroomInstructorId) {
      await this.instructors.lockInstructor(changes.homeroomInstructorId);
    }
    if (changes.academicYearId) {
      await this.sections.lockAcademicYear(changes.academicYearId);
    }
    await this.sections.update(id, plan, changes.name);
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return this.sections.remove(id);
  }
}
