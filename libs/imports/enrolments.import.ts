import { ENROLMENT_COLUMNS } from '@schoolyard/common';
import { type RowError } from './csv-reading';
import { type ImportContext, type ImportKind, type ImportPlan } from './import-kind';
import { FirstSeen, RowReader } from './row-checks';

interface EnrolmentLine {
  row: number;
  admissionNumber: string;
  sectionKey: string;
  section: string;
}

/**
 * Students joining sections, named as the school names them (academic year, level, section;
 * case does not matter). Keyed by student and section: a student in the section now is
 * `unchanged`. A membership opens on the school's today, under the rules of a single
 * enrolment: an active student, a year that has begun, the section's capacity.
 */
export const enrolmentsImport: ImportKind = {
  columns: ENROLMENT_COLUMNS,
  required: ['admissionNumber', 'academicYear', 'level', 'section'],

  async plan({ rows, db }: ImportContext): Promise<ImportPlan> {
    const errors: RowError[] = [];
    const lines: EnrolmentLine[] = [];
    const seen = new FirstSeen();
    for (const source of rows) {
      const cells = new RowReader(source);
      const admissionNumber = cells.required('admissionNumber', 40);
      const year = cells.required('academicYear', 120);
      const level = cells.required('level', 120);
      const section = cells.required('section', 120);
      const sectionKey = [year, level, section].map((name) => name.toLowerCase()).join('/');
      const first = cells.errors.length
        ? undefined
        : seen.check(`${admissionNumber.toLowerCase()}|${sectionKey}`, source.row);
      if (first !== undefined) {
        cells.fail('admissionNumber', 'DUPLICATE_IN_FILE', `The same enrolment is on row ${first}`);
      }
      if (cells.errors.length) errors.push(...cells.errors);
      else
        lines.push({
          row: source.row,
          admissionNumber,
          sectionKey,
          section: `${year} / ${level} / ${section}`,
        });
    }

    const foundStudents = await db.studentsByAdmissionNumber(
      lines.map((l) => l.admissionNumber.toLowerCase()),
    );
    const students = new Map(foundStudents.map((s) => [s.key, s.id]));
    const inactive = new Map(
      foundStudents.filter((s) => s.status !== 'active').map((s) => [s.id, s.status]),
    );
    const found = await db.sectionsByNames([...new Set(lines.map((l) => l.sectionKey))]);
    const sections = new Map<string, (typeof found)[number] | 'ambiguous'>();
    for (const section of found) {
      sections.set(section.key, sections.has(section.key) ? 'ambiguous' : section);
    }
    const memberships = await db.currentMemberships([...students.values()]);
    const open = new Set(
      memberships.filter((m) => m.open).map((m) => `${m.student_id}|${m.section_id}`),
    );
    const endsLater = new Set(
      memberships.filter((m) => !m.open).map((m) => `${m.student_id}|${m.section_id}`),
    );

    const joining: { row: number; section: string; student: string }[] = [];
    const added = new Map<string, number>();
    let unchanged = 0;
    for (const line of lines) {
      const student = students.get(line.admissionNumber.toLowerCase());
      const section = sections.get(line.sectionKey);
      if (!student) {
        errors.push(
          unknown(
            line.row,
            'admissionNumber',
            'UNKNOWN_STUDENT',
            `No student has admission number ${line.admissionNumber}`,
          ),
        );
      }
      if (!section || section === 'ambiguous') {
        const why = section
          ? 'names more than one section (two programs share the level name)'
          : 'is not a section of this school';
        errors.push(unknown(line.row, 'section', 'UNKNOWN_SECTION', `${line.section} ${why}`));
      }
      if (!student || !section || section === 'ambiguous') continue;
      if (open.has(`${student}|${section.id}`)) {
        unchanged += 1;
        continue;
      }
      // The rules of a single enrolment (libs/academics EnrolmentService): an active student,
      // a year that has begun, no stay in the section still running past today.
      const refusal = inactive.has(student)
        ? unknown(
            line.row,
            'admissionNumber',
            'BAD_VALUE',
            `The student is ${inactive.get(student)}: only active students join sections`,
          )
        : section.starts_on
          ? unknown(
              line.row,
              'academicYear',
              'BAD_VALUE',
              `The academic year starts on ${section.starts_on}: students join from then`,
            )
          : endsLater.has(`${student}|${section.id}`)
            ? unknown(
                line.row,
                'section',
                'BAD_VALUE',
                `The student's earlier stay in ${line.section} ends after today`,
              )
            : undefined;
      if (refusal) {
        errors.push(refusal);
        continue;
      }
      const count = (added.get(section.id) ?? 0) + 1;
      added.set(section.id, count);
      if (section.enrolled + count > section.capacity) {
        errors.push(
          unknown(
            line.row,
            'section',
            'SECTION_FULL',
            `${line.section} holds ${section.capacity} students at most`,
          ),
        );
        continue;
      }
      joining.push({ row: line.row, section: section.id, student });
    }

    return {
      errors,
      created: joining.length,
      unchanged,
      write: () =>
        db.insertMemberships(
          joining.map((j) => j.section),
          joining.map((j) => j.student),
        ),
    };
  },
};

const unknown = (
  row: number,
  column: string,
  code: RowError['code'],
  message: string,
): RowError => ({ row, column, code, message });
