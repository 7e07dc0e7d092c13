import { Injectable } from '@nestjs/common';
import {
  deleteUnlessInUse,
  execute,
  lockRow,
  oneRow,
  selectRow,
  selectRows,
  uniqueOr,
  updateRow,
  type columnAssignments,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { academicYearNameTaken, academicYearNotFound } from './calendar.errors';
import { type AcademicYearView } from './dto/academic-years.dto';

/** Dates leave PostgreSQL as `YYYY-MM-DD` text: a local date is never a JS Date. */
const YEAR_COLUMNS = `id, name, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn",
  to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", is_current AS "isCurrent",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const NAME_TAKEN = { academic_years_name_key: academicYearNameTaken };

/** The fields a PATCH may change, and their columns. */
export const ACADEMIC_YEAR_COLUMNS = {
  name: 'name',
  startsOn: 'starts_on',
  endsOn: 'ends_on',
} as const;

/** The school's academic years. At most one is current (a partial unique index says so). */
@Injectable()
export class AcademicYearsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Serialises every change to the years' dates and to which is current, so that an overlap
   * check and the write it allows see the same years (no exclusion constraint: btree_gist is
   * not installed). Reads and sections' FOR KEY SHARE locks on years go on meanwhile.
   */
  async lockYears(): Promise<void> {
    await execute(this.tenant.manager, 'LOCK TABLE academic_years IN SHARE ROW EXCLUSIVE MODE');
  }

  /** Locks the year against changes (its terms are written under it) or answers 404. */
  lockForUpdate(id: string): Promise<void> {
    return lockRow(this.tenant.manager, 'academic_years', id, academicYearNotFound, 'FOR UPDATE');
  }

  list(): Promise<AcademicYearView[]> {
    return selectRows<AcademicYearView>(
      this.tenant.manager,
      `SELECT ${YEAR_COLUMNS} FROM academic_years ORDER BY starts_on`,
    );
  }

  /** The years that share at least one day with $1..$2. */
  overlapping(from: string, to: string): Promise<AcademicYearView[]> {
    return selectRows<AcademicYearView>(
      this.tenant.manager,
      `SELECT ${YEAR_COLUMNS} FROM academic_years
        WHERE starts_on <= $2::date AND ends_on >= $1::date ORDER BY starts_on`,
      [from, to],
    );
  }

  find(id: string): Promise<AcademicYearView> {
    return oneRow<AcademicYearView>(
      this.tenant.manager,
      `SELECT ${YEAR_COLUMNS} FROM academic_years WHERE id = $1`,
      [id],
      academicYearNotFound,
    );
  }

  /** The current year, if the school has marked one. */
  current(): Promise<AcademicYearView | undefined> {
    return selectRow<AcademicYearView>(
      this.tenant.manager,
      `SELECT ${YEAR_COLUMNS} FROM academic_years WHERE is_current`,
    );
  }

  /** Another year sharing a day with startsOn..endsOn, if any. */
  clashing(
    startsOn: string,
    endsOn: string,
    except: string | null,
  ): Promise<{ id: string; name: string } | undefined> {
    return selectRow<{ id: string; name: string }>(
      this.tenant.manager,
      `SELECT id, name FROM academic_years
        WHERE starts_on <= $2::date AND ends_on >= $1::date AND id IS DISTINCT FROM $3::uuid
        ORDER BY starts_on LIMIT 1`,
      [startsOn, endsOn, except],
    );
  }

  /** The year's terms that would fall outside startsOn..endsOn. */
  async termsOutside(id: string, startsOn: string, endsOn: string): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      this.tenant.manager,
      `SELECT id FROM terms WHERE academic_year_id = $1
          AND (starts_on < $2::date OR ends_on > $3::date) ORDER BY starts_on`,
      [id, startsOn, endsOn],
    );
    return rows.map((row) => row.id);
  }

  async insert(year: { name: string; startsOn: string; endsOn: string }): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO academic_years (name, starts_on, ends_on) VALUES ($1, $2, $3) RETURNING id`,
          [year.name, year.startsOn, year.endsOn],
        ),
      NAME_TAKEN,
    );
    return row.id;
  }

  update(id: string, plan: ReturnType<typeof columnAssignments>): Promise<void> {
    return updateRow(this.tenant.manager, 'academic_years', id, plan, {
      conflicts: NAME_TAKEN,
      notFound: academicYearNotFound,
    });
  }

  /**
   * Makes `id` the current year: the old one is let go first, in its own statement, since a
   * unique index is checked row by row and one UPDATE flipping both could meet the old row
   * still current. The caller holds `lockYears`, so no other switch interleaves.
   */
  async makeCurrent(id: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE academic_years SET is_current = false, updated_at = now()
        WHERE is_current AND id <> $1`,
      [id],
    );
    const changed = await execute(
      this.tenant.manager,
      `UPDATE academic_years SET is_current = true, updated_at = now()
        WHERE id = $1 AND NOT is_current`,
      [id],
    );
    if (changed === 0) await this.find(id);
  }

  /** Deletes the year (its terms go with it) unless sections or exams need it: 409 IN_USE. */
  async remove(id: string): Promise<void> {
    // Its terms first: an exam being made holds its term (FOR KEY SHARE), so the count below
    // waits for it and sees it, rather than the cascade meeting it later as a foreign key error.
    await execute(
      this.tenant.manager,
      'SELECT 1 FROM terms WHERE academic_year_id = $1 ORDER BY id FOR UPDATE',
      [id],
    );
    return deleteUnlessInUse(
      this.tenant.manager,
      'academic_years',
      id,
      {
        sections: 'SELECT count(*) FROM sections WHERE academic_year_id = $1',
        // Its terms go with it, but not under an exam: exams keep their term.
        exams: `SELECT count(*) FROM exams e JOIN terms t ON t.id = e.term_id
                 WHERE t.academic_year_id = $1`,
      },
      academicYearNotFound,
    );
  }
}
