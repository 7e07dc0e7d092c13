import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import {
  type CreateProgramDto,
  type ProgramListQuery,
  type ProgramPage,
  type ProgramView,
  type UpdateProgramDto,
} from './dto/programs.dto';
import { PROGRAM_COLUMNS, ProgramsRepository } from './programs.repository';

/** Programs of study (primary, IGCSE, IB Diploma): each holds ordered academic levels. */
@Injectable()
export class ProgramsService {
  constructor(private readonly programs: ProgramsRepository) {}

  async create(program: CreateProgramDto): Promise<ProgramView> {
    return this.get(await this.programs.insertProgram(program));
  }

  list(query: ProgramListQuery): Promise<ProgramPage> {
    return this.programs.list(query);
  }

  get(id: string): Promise<ProgramView> {
    return this.programs.find(id);
  }

  async update(id: string, changes: UpdateProgramDto): Promise<ProgramView> {
    const plan = patchOf(changes, PROGRAM_COLUMNS, ['code', 'name']);
    await this.programs.update(id, plan, changes.code);
    return this.get(id);
  }

  remove(id: string): Promise<void> {
    return this.programs.remove(id);
  }
}
