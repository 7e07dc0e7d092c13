import { STAFF_COLUMNS } from '@schoolyard/common';
import { randomUUID } from 'node:crypto';
import { type RowError } from './csv-reading';
import { type ImportContext, type ImportKind, type ImportPlan, overPlan } from './import-kind';
import { FirstSeen, RowReader, STAFF_STATUSES } from './row-checks';

interface StaffLine {
  row: number;
  email: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  jobTitle: string;
  department: string | null;
  hireDate: string | null;
  status: string;
}

/**
 * Staff, keyed by e-mail (case does not matter): a member of staff with that address already
 * is `unchanged` and not updated. Job title defaults to Instructor and the hire date to the
 * school's today, as onboarding does.
 */
export const staffImport: ImportKind = {
  columns: STAFF_COLUMNS,
  required: ['email', 'firstName', 'lastName'],

  async plan({ rows, db, room }: ImportContext): Promise<ImportPlan> {
    const errors: RowError[] = [];
    const lines: StaffLine[] = [];
    const seen = new FirstSeen();
    for (const source of rows) {
      const cells = new RowReader(source);
      const line: StaffLine = {
        row: source.row,
        email: cells.email('email', true) ?? '',
        firstName: cells.required('firstName', 80),
        middleName: cells.text('middleName', 80) ?? null,
        lastName: cells.required('lastName', 80),
        jobTitle: cells.text('jobTitle', 120) ?? 'Instructor',
        department: cells.text('department', 120) ?? null,
        hireDate: cells.date('hireDate') ?? null,
        status: cells.oneOf('status', STAFF_STATUSES) ?? 'active',
      };
      const first = line.email ? seen.check(line.email.toLowerCase(), source.row) : undefined;
      if (first !== undefined) {
        cells.fail('email', 'DUPLICATE_IN_FILE', `${line.email} is on row ${first} already`);
      }
      if (cells.errors.length) errors.push(...cells.errors);
      else lines.push(line);
    }

    const existing = new Set(
      (await db.staffByEmail(lines.map((l) => l.email.toLowerCase()))).map((s) => s.email),
    );
    const fresh = lines.filter((line) => !existing.has(line.email.toLowerCase()));
    const active = fresh.filter((line) => line.status === 'active').map((line) => line.row);
    if (active.length) errors.push(...overPlan(active, await room(), 'staff'));

    return {
      errors,
      created: fresh.length,
      unchanged: lines.length - fresh.length,
      write: async () => {
        const ids = fresh.map(() => randomUUID());
        await db.insertProfiles('staff', {
          ids,
          firstNames: fresh.map((l) => l.firstName),
          middleNames: fresh.map((l) => l.middleName),
          lastNames: fresh.map((l) => l.lastName),
          emails: fresh.map((l) => l.email),
        });
        await db.insertStaff(
          ids,
          fresh.map((l) => l.jobTitle),
          fresh.map((l) => l.department),
          fresh.map((l) => l.hireDate),
          fresh.map((l) => l.status),
        );
      },
    };
  },
};
