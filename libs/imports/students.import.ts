import { STUDENT_COLUMNS } from '@schoolyard/common';
import { randomUUID } from 'node:crypto';
import { type RowError } from './csv-reading';
import { type ImportContext, type ImportKind, type ImportPlan, overPlan } from './import-kind';
import { FirstSeen, GENDERS, RowReader, sameName, STUDENT_STATUSES } from './row-checks';

interface StudentLine {
  row: number;
  admissionNumber: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  email: string | null;
  admissionDate: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  status: string;
}

/**
 * Students, keyed by admission number (case does not matter, as the school's unique index
 * says). An admission number the school has already is the same student when the first and
 * last names match (the row is `unchanged`, and nothing about the student is updated);
 * with other names it is someone else's number: ADMISSION_NUMBER_TAKEN.
 */
export const studentsImport: ImportKind = {
  columns: STUDENT_COLUMNS,
  required: ['admissionNumber', 'firstName', 'lastName'],

  async plan({ rows, db, room }: ImportContext): Promise<ImportPlan> {
    const errors: RowError[] = [];
    const lines: StudentLine[] = [];
    const seen = new FirstSeen();
    for (const source of rows) {
      const cells = new RowReader(source);
      const line: StudentLine = {
        row: source.row,
        admissionNumber: cells.admissionNumber('admissionNumber'),
        firstName: cells.required('firstName', 80),
        middleName: cells.text('middleName', 80) ?? null,
        lastName: cells.required('lastName', 80),
        email: cells.email('email') ?? null,
        admissionDate: cells.date('admissionDate') ?? null,
        dateOfBirth: cells.date('dateOfBirth') ?? null,
        gender: cells.oneOf('gender', GENDERS) ?? null,
        status: cells.oneOf('status', STUDENT_STATUSES) ?? 'active',
      };
      const first = line.admissionNumber
        ? seen.check(line.admissionNumber.toLowerCase(), source.row)
        : undefined;
      if (first !== undefined) {
        cells.fail(
          'admissionNumber',
          'DUPLICATE_IN_FILE',
          `Admission number ${line.admissionNumber} is on row ${first} already`,
        );
      }
      if (cells.errors.length) errors.push(...cells.errors);
      else lines.push(line);
    }

    const existing = new Map(
      (await db.studentsByAdmissionNumber(lines.map((l) => l.admissionNumber.toLowerCase()))).map(
        (student) => [student.key, student],
      ),
    );
    const fresh: StudentLine[] = [];
    let unchanged = 0;
    for (const line of lines) {
      const student = existing.get(line.admissionNumber.toLowerCase());
      if (!student) {
        fresh.push(line);
      } else if (
        sameName(student.first_name, line.firstName) &&
        sameName(student.last_name, line.lastName)
      ) {
        unchanged += 1;
      } else {
        errors.push({
          row: line.row,
          column: 'admissionNumber',
          code: 'ADMISSION_NUMBER_TAKEN',
          message: `Admission number ${line.admissionNumber} belongs to ${student.first_name} ${student.last_name}`,
        });
      }
    }
    const active = fresh.filter((line) => line.status === 'active').map((line) => line.row);
    if (active.length) errors.push(...overPlan(active, await room(), 'students'));

    return {
      errors,
      created: fresh.length,
      unchanged,
      write: async () => {
        const ids = fresh.map(() => randomUUID());
        await db.insertProfiles('student', {
          ids,
          firstNames: fresh.map((l) => l.firstName),
          middleNames: fresh.map((l) => l.middleName),
          lastNames: fresh.map((l) => l.lastName),
          emails: fresh.map((l) => l.email),
          datesOfBirth: fresh.map((l) => l.dateOfBirth),
          genders: fresh.map((l) => l.gender),
        });
        await db.insertStudents(
          ids,
          fresh.map((l) => l.admissionNumber),
          fresh.map((l) => l.admissionDate),
          fresh.map((l) => l.status),
        );
      },
    };
  },
};
