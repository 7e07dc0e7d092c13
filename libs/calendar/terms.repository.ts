import { Injectable } from '@nestjs/common';
import {
  deleteUnlessInUse,
  oneRow,
  selectRow,
  selectRows,
  uniqueOr,
  updateRow,
  type columnAssignments,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { termNameTaken, termNotFound } from './calendar.errors';
import { type TermView } from './dto/terms.dto';

const TERM_COLUMNS = `id, academic_year_id AS "academicYearId", name,
  to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const NAME_TAKEN = { terms_name_key: termNameTaken };

export const TERM_FIELDS = { name: 'name', startsOn: 'starts_on', endsOn: 'ends_on' } as const;

/** Terms: parts of one academic year, not overlapping each other. */
@Injectable()
export class TermsRepository {
  constructor(private readonly tenant: TenantContext) {}

  ofYear(academicYearId: string): Promise<TermView[]> {
    return selectRows<TermView>(
      this.tenant.manager,
      `SELECT ${TERM_COLUMNS} FROM terms WHERE academic_year_id = $1 ORDER BY starts_on`,
      [academicYearId],
    );
  }

  /** The terms that share at least one day with $1..$2. */
  overlapping(from: string, to: string): Promise<TermView[]> {
    return selectRows<TermView>(
      this.tenant.manager,
      `SELECT ${TERM_COLUMNS} FROM terms
        WHERE starts_on <= $2::date AND ends_on >= $1::date ORDER BY starts_on`,
      [from, to],
    );
  }

  find(id: string): Promise<TermView> {
    return oneRow<TermView>(
      this.tenant.manager,
      `SELECT ${TERM_COLUMNS} FROM terms WHERE id = $1`,
      [id],
      termNotFound,
    );
  }

  /** Another term of the year sharing a day with startsOn..endsOn, if any. */
  clashing(
    academicYearId: string,
    startsOn: string,
    endsOn: string,
    except: string | null,
  ): Promise<{ id: string; name: string } | undefined> {
    return selectRow<{ id: string; name: string }>(
      this.tenant.manager,
      `SELECT id, name FROM terms
        WHERE academic_year_id = $1 AND starts_on <= $3::date AND ends_on >= $2::date
          AND id IS DISTINCT FROM $4::uuid
        ORDER BY starts_on LIMIT 1`,
      [academicYearId, startsOn, endsOn, except],
    );
  }

  async insert(
    academicYearId: string,
    term: { name: string; startsOn: string; endsOn: string },
  ): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
           VALUES ($1, $2, $3, $4) RETURNING id`,
          [academicYearId, term.name, term.startsOn, term.endsOn],
        ),
      NAME_TAKEN,
    );
    return row.id;
  }

  update(id: string, plan: ReturnType<typeof columnAssignments>): Promise<void> {
    return updateRow(this.tenant.manager, 'terms', id, plan, {
      conflicts: NAME_TAKEN,
      notFound: termNotFound,
    });
  }

  /**
   * Deletes the term unless exams belong to it (409 IN_USE): they keep their term, and the
   * foreign key would refuse with a 500. Its weightings and report-card batches go with it.
   */
  remove(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'terms',
      id,
      { exams: 'SELECT count(*) FROM exams WHERE term_id = $1' },
      termNotFound,
    );
  }
}
