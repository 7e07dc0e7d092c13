import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { AcademicLevelsRepository, LEVEL_COLUMNS } from './academic-levels.repository';
import {
  type AcademicLevelListQuery,
  type AcademicLevelPage,
  type AcademicLevelView,
  type CreateAcademicLevelDto,
  type UpdateAcademicLevelDto,
} from './dto/levels.dto';
import { ProgramsRepository } from './programs.repository';

/** Academic levels (Grade 7, Year 12): ordered steps of a program. */
@Injectable()
export class AcademicLevelsService {
  constructor(
    private readonly levels: AcademicLevelsRepository,
    private readonly programs: ProgramsRepository,
  ) {}

  async create(level: CreateAcademicLevelDto): Promise<AcademicLevelView> {
    await this.programs.lock(level.programId);
    return this.get(await this.levels.insertLevel(level));
  }

  list(query: AcademicLevelListQuery): Promise<AcademicLevelPage> {
    return this.levels.list(query);
  }

  get(id: string): Promise<AcademicLevelView> {
    return this.levels.find(id);
  }

  async update(id: string, changes: UpdateAcademicLevelDto): Promise<AcademicLevelView> {
    const plan = patchOf(changes, LEVEL_COLUMNS, ['name', 'position']);
    await this.levels.update(id, plan, changes.name);
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return this.levels.remove(id);
  }
}
