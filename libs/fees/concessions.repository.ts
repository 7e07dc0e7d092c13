import { Injectable } from '@nestjs/common';
import { execute, oneRow, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type ConcessionDto, type ConcessionView } from './dto/setup-structures.dto';
import { feeThingNotFound } from './fees.errors';

const concessionNotFound = feeThingNotFound('concession');

const CONCESSION_SELECT = `SELECT c.id, c.student_id AS "studentId",
    concat_ws(' ', sp.first_name, sp.middle_name, sp.last_name) AS "studentName",
    c.academic_year_id AS "academicYearId",
    CASE WHEN h.id IS NULL THEN NULL ELSE json_build_object('id', h.id, 'name', h.name) END AS head,
    c.percent::float8 AS percent, to_json(c.amount_minor) AS "amountMinor", c.reason,
    CASE WHEN ap.id IS NULL THEN NULL ELSE json_build_object('id', ap.id,
      'name', concat_ws(' ', ap.first_name, ap.last_name)) END AS "approvedBy",
    c.created_at AS "createdAt"
  FROM fee_concessions c
  JOIN profiles sp ON sp.id = c.student_id
  LEFT JOIN fee_heads h ON h.id = c.head_id
  LEFT JOIN profiles ap ON ap.id = c.approved_by`;

@Injectable()
export class ConcessionsRepository {
  constructor(private readonly tenant: TenantContext) {}

  all(studentId: string | null, academicYearId: string | null): Promise<ConcessionView[]> {
    return selectRows(
      this.tenant.manager,
      `${CONCESSION_SELECT}
        WHERE ($1::uuid IS NULL OR c.student_id = $1)
          AND ($2::uuid IS NULL OR c.academic_year_id = $2)
        ORDER BY c.created_at, c.id`,
      [studentId, academicYearId],
    );
  }

  find(id: string): Promise<ConcessionView> {
    return oneRow(
      this.tenant.manager,
      `${CONCESSION_SELECT} WHERE c.id = $1`,
      [id],
      concessionNotFound,
    );
  }

  /** Which of the student, year and head exist here, in one statement. */
  async references(
    concession: ConcessionDto,
  ): Promise<{ student: boolean; year: boolean; head: boolean }> {
    const row = await selectRow<{ student: boolean; year: boolean; head: boolean }>(
      this.tenant.manager,
      `SELECT EXISTS (SELECT 1 FROM students WHERE profile_id = $1) AS student,
              EXISTS (SELECT 1 FROM academic_years WHERE id = $2) AS year,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM fee_heads WHERE id = $3)) AS head`,
      [concession.studentId, concession.academicYearId, concession.headId ?? null],
    );
    return row!;
  }

  /**
   * Signed by the caller's profile in this school that can approve: their staff profile
   * first, else the owner's (the school's first person need not be staff).
   */
  async insert(concession: ConcessionDto, account: string): Promise<string> {
    const [row] = await selectRows<{ id: string }>(
      this.tenant.manager,
      `INSERT INTO fee_concessions
         (student_id, academic_year_id, head_id, percent, amount_minor, reason, approved_by)
       VALUES ($1, $2, $3, $4, $5, $6, (
         SELECT p.id FROM profiles p WHERE p.user_id = $7::uuid AND p.kind IN ('staff', 'owner')
          ORDER BY (p.kind = 'staff') DESC, p.created_at LIMIT 1))
       RETURNING id`,
      [
        concession.studentId,
        concession.academicYearId,
        concession.headId ?? null,
        concession.percent ?? null,
        concession.amountMinor === undefined ? null : String(concession.amountMinor),
        concession.reason,
        account,
      ],
    );
    return row.id;
  }

  async delete(id: string): Promise<void> {
    const deleted = await execute(
      this.tenant.manager,
      'DELETE FROM fee_concessions WHERE id = $1',
      [id],
    );
    if (deleted === 0) throw concessionNotFound();
  }
}
