import { Injectable } from '@nestjs/common';
import { execute, lockRow, oneRow, selectRow, selectRows, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type FeeStructureLineDto, type FeeStructureView } from './dto/setup-structures.dto';
import { feeThingNotFound } from './fees.errors';
import { SCHOOL_CURRENCY_SQL } from './fees-ledger';
import { feeStructureExists } from './setup.errors';

const structureNotFound = feeThingNotFound('fee structure');
const ONE_PER_YEAR = {
  fee_structures_level_key: feeStructureExists,
  fee_structures_program_key: feeStructureExists,
};

/** A structure with its lines (by head name, then schedule), as the API answers it. */
const STRUCTURE_SELECT = `SELECT fs.id, fs.academic_year_id AS "academicYearId", fs.name,
    (SELECT json_build_object('id', l.id, 'name', l.name)
       FROM academic_levels l WHERE l.id = fs.level_id) AS level,
    (SELECT json_build_object('id', p.id, 'name', p.name)
       FROM programs p WHERE p.id = fs.program_id) AS program,
    ${SCHOOL_CURRENCY_SQL} AS currency,
    coalesce((SELECT json_agg(json_build_object(
        'id', sl.id, 'headId', sl.head_id, 'headName', h.name, 'amountMinor', sl.amount_minor,
        'schedule', sl.schedule, 'dueDay', sl.due_day) ORDER BY lower(h.name), sl.schedule)
      FROM fee_structure_lines sl JOIN fee_heads h ON h.id = sl.head_id
     WHERE sl.structure_id = fs.id), '[]') AS lines,
    fs.created_at AS "createdAt", fs.updated_at AS "updatedAt"
  FROM fee_structures fs`;

/** Which of the things a structure names exist in this school. */
export interface StructureReferences {
  year: boolean;
  level: boolean;
  program: boolean;
  missingHeads: string[];
}

@Injectable()
export class StructuresRepository {
  constructor(private readonly tenant: TenantContext) {}

  all(academicYearId: string | null): Promise<FeeStructureView[]> {
    return selectRows(
      this.tenant.manager,
      `${STRUCTURE_SELECT} WHERE $1::uuid IS NULL OR fs.academic_year_id = $1
        ORDER BY fs.academic_year_id, lower(fs.name)`,
      [academicYearId],
    );
  }

  find(id: string): Promise<FeeStructureView> {
    return oneRow(
      this.tenant.manager,
      `${STRUCTURE_SELECT} WHERE fs.id = $1`,
      [id],
      structureNotFound,
    );
  }

  /** One statement, however many heads: an absent year, level or program is false. */
  async references(
    academicYearId: string | null,
    levelId: string | null,
    programId: string | null,
    headIds: string[],
  ): Promise<StructureReferences> {
    const row = await selectRow<StructureReferences>(
      this.tenant.manager,
      `SELECT ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM academic_years WHERE id = $1)) AS year,
              ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM academic_levels WHERE id = $2)) AS level,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM programs WHERE id = $3)) AS program,
              ARRAY(SELECT DISTINCT asked.id FROM unnest($4::uuid[]) AS asked (id)
                     WHERE NOT EXISTS (SELECT 1 FROM fee_heads h WHERE h.id = asked.id)
                     ORDER BY 1)::text[] AS "missingHeads"`,
      [academicYearId, levelId, programId, headIds],
    );
    return row!;
  }

  async insert(structure: {
    academicYearId: string;
    name: string;
    levelId: string | null;
    programId: string | null;
  }): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO fee_structures (academic_year_id, name, level_id, program_id)
           VALUES ($1, $2, $3, $4) RETURNING id`,
          [structure.academicYearId, structure.name, structure.levelId, structure.programId],
        ),
      ONE_PER_YEAR,
    );
    return row.id;
  }

  /** Holds the structure while its lines are replaced, so two edits apply one after another. */
  lock(id: string): Promise<void> {
    return lockRow(this.tenant.manager, 'fee_structures', id, structureNotFound, 'FOR UPDATE');
  }

  async rename(id: string, name: string): Promise<void> {
    await execute(
      this.tenant.manager,
      'UPDATE fee_structures SET name = $2, updated_at = now() WHERE id = $1',
      [id, name],
    );
  }

  /**
   * Every line replaced, in two statements whatever their number. Invoices copied their lines
   * when written, so none of them changes.
   */
  async replaceLines(id: string, lines: FeeStructureLineDto[]): Promise<void> {
    await execute(this.tenant.manager, 'DELETE FROM fee_structure_lines WHERE structure_id = $1', [
      id,
    ]);
    await execute(
      this.tenant.manager,
      `INSERT INTO fee_structure_lines (structure_id, head_id, amount_minor, schedule, due_day)
       SELECT $1, l.head_id, l.amount_minor, l.schedule, l.due_day
         FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::smallint[])
              AS l (head_id, amount_minor, schedule, due_day)`,
      [
        id,
        lines.map((line) => line.headId),
        lines.map((line) => String(line.amountMinor)),
        lines.map((line) => line.schedule),
        lines.map((line) => line.dueDay),
      ],
    );
  }

  /** Invoices written from it keep their lines; their structure_id becomes null. */
  async delete(id: string): Promise<void> {
    const deleted = await execute(this.tenant.manager, 'DELETE FROM fee_structures WHERE id = $1', [
      id,
    ]);
    if (deleted === 0) throw structureNotFound();
  }
}
