import { Injectable } from '@nestjs/common';
import { AppError, validationFailed, type FieldProblem } from '@schoolyard/common';
import {
  type CreateFeeStructureDto,
  type FeeStructureLineDto,
  type FeeStructureView,
  type ReplaceFeeStructureDto,
} from './dto/setup-structures.dto';
import { isForeignKeyViolation } from '@schoolyard/database';
import { feeThingNotFound } from './fees.errors';
import { badFeeInput } from './setup.errors';
import { StructuresRepository } from './structures.repository';

/**
 * What a level (or a program, for its levels without their own) pays in an academic year.
 * Invoices copy a structure's lines when they are written: editing or deleting a structure
 * changes only what is billed from then on.
 */
@Injectable()
export class StructuresService {
  constructor(private readonly structures: StructuresRepository) {}

  async list(academicYearId: string | undefined): Promise<{ data: FeeStructureView[] }> {
    return { data: await this.structures.all(academicYearId ?? null) };
  }

  get(id: string): Promise<FeeStructureView> {
    return this.structures.find(id);
  }

  async create(structure: CreateFeeStructureDto): Promise<FeeStructureView> {
    if ((structure.levelId === undefined) === (structure.programId === undefined)) {
      throw badFeeInput('levelId', 'send exactly one of levelId and programId');
    }
    checkLines(structure.lines);
    const levelId = structure.levelId ?? null;
    const programId = structure.programId ?? null;
    await this.checkReferences(structure.academicYearId, levelId, programId, structure.lines);
    const id = await this.structures.insert({ ...structure, levelId, programId });
    await headsStillThere(() => this.structures.replaceLines(id, structure.lines));
    return this.structures.find(id);
  }

  /** Name and lines replaced all or nothing (the request's one transaction). */
  async replace(id: string, structure: ReplaceFeeStructureDto): Promise<FeeStructureView> {
    checkLines(structure.lines);
    await this.structures.lock(id);
    await this.checkReferences(null, null, null, structure.lines);
    await this.structures.rename(id, structure.name);
    await headsStillThere(() => this.structures.replaceLines(id, structure.lines));
    return this.structures.find(id);
  }

  remove(id: string): Promise<void> {
    return this.structures.delete(id);
  }

  private async checkReferences(
    academicYearId: string | null,
    levelId: string | null,
    programId: string | null,
    lines: FeeStructureLineDto[],
  ): Promise<void> {
    const found = await this.structures.references(
      academicYearId,
      levelId,
      programId,
      lines.map((line) => line.headId),
    );
    if (!found.year) throw feeThingNotFound('academic year')();
    if (!found.level) throw feeThingNotFound('academic level')();
    if (!found.program) throw feeThingNotFound('program')();
    if (found.missingHeads.length) {
      const { status, code, message } = feeThingNotFound('fee head')();
      throw new AppError(status, code, message, { ids: found.missingHeads });
    }
  }
}

/** A head deleted between the check and the write (its delete committed first): a 404 too. */
async function headsStillThere(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw feeThingNotFound('fee head')();
    throw error;
  }
}

/** 400 naming the line when a head appears twice with one schedule. */
function checkLines(lines: FeeStructureLineDto[]): void {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const key = `${line.headId.toLowerCase()} ${line.schedule}`;
    if (seen.has(key)) {
      problems.push({
        field: `lines.${i}.headId`,
        problems: ['a head appears once per schedule in a structure'],
      });
    }
    seen.add(key);
  });
  if (problems.length) throw validationFailed(problems);
}
