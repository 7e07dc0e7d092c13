import { GUARDIAN_COLUMNS } from '@schoolyard/common';
import { randomUUID } from 'node:crypto';
import { type RowError } from './csv-reading';
import { type ImportContext, type ImportKind, type ImportPlan } from './import-kind';
import { FirstSeen, RELATIONSHIPS, RowReader, sameName } from './row-checks';

interface GuardianLine {
  row: number;
  key: string;
  email: string | null;
  phone: string | null;
  firstName: string;
  middleName: string | null;
  lastName: string;
  admissionNumber: string | null;
  relationship: string | null;
}

/**
 * Guardians and their links to students, one row per link: a guardian with three children
 * has three rows (the same person on each), and a row without a student is a guardian with
 * no link yet. Keyed by e-mail (case does not matter), else phone: a guardian the school has
 * already is kept as it is and only their missing links are added.
 */
export const guardiansImport: ImportKind = {
  columns: GUARDIAN_COLUMNS,
  required: ['firstName', 'lastName'],

  async plan({ rows, db }: ImportContext): Promise<ImportPlan> {
    const errors: RowError[] = [];
    const lines: GuardianLine[] = [];
    const people = new Map<string, GuardianLine>();
    const seenLinks = new FirstSeen();
    for (const source of rows) {
      const cells = new RowReader(source);
      const email = cells.email('email') ?? null;
      const phone = cells.phone('phone') ?? null;
      const line: GuardianLine = {
        row: source.row,
        key: email ? `e:${email.toLowerCase()}` : `p:${phone ?? ''}`,
        email,
        phone,
        firstName: cells.required('firstName', 80),
        middleName: cells.text('middleName', 80) ?? null,
        lastName: cells.required('lastName', 80),
        admissionNumber: cells.text('studentAdmissionNumber', 40) ?? null,
        relationship: null,
      };
      if (!email && !phone)
        cells.fail('email', 'MISSING_VALUE', 'A guardian needs an email or a phone');
      if (line.admissionNumber) {
        line.relationship = cells.oneOf('relationship', RELATIONSHIPS, true) ?? null;
      }
      const same = people.get(line.key);
      if (
        same &&
        !(sameName(same.firstName, line.firstName) && sameName(same.lastName, line.lastName))
      ) {
        cells.fail(
          'lastName',
          'BAD_VALUE',
          `Row ${same.row} has the same guardian under another name`,
        );
      }
      const first = seenLinks.check(
        `${line.key}|${(line.admissionNumber ?? '').toLowerCase()}`,
        source.row,
      );
      if (first !== undefined) {
        cells.fail('studentAdmissionNumber', 'DUPLICATE_IN_FILE', `Row ${first} says the same`);
      }
      if (cells.errors.length) {
        errors.push(...cells.errors);
        continue;
      }
      if (!same) people.set(line.key, line);
      lines.push(line);
    }

    const students = new Map(
      (
        await db.studentsByAdmissionNumber(
          lines.flatMap((l) => (l.admissionNumber ? [l.admissionNumber.toLowerCase()] : [])),
        )
      ).map((s) => [s.key, s.id]),
    );
    const found = await db.guardiansByKey(
      lines.flatMap((l) => (l.email ? [l.email.toLowerCase()] : [])),
      lines.flatMap((l) => (!l.email && l.phone ? [l.phone] : [])),
    );
    // The school's guardian for each key in the file: by e-mail, else by phone.
    const known = new Map<string, string>();
    for (const guardian of found) {
      if (guardian.email) known.set(`e:${guardian.email}`, guardian.id);
      if (guardian.phone && !known.has(`p:${guardian.phone}`))
        known.set(`p:${guardian.phone}`, guardian.id);
    }
    const linked = new Set(
      (await db.linksOf([...new Set(known.values())])).map(
        (l) => `${l.guardian_id}|${l.student_id}`,
      ),
    );

    const newGuardians = new Map<string, { id: string; line: GuardianLine }>();
    const links: { student: string; guardian: string; relationship: string }[] = [];
    let created = 0;
    let unchanged = 0;
    for (const line of lines) {
      let guardian = known.get(line.key) ?? newGuardians.get(line.key)?.id;
      let writes = false;
      const student = line.admissionNumber
        ? students.get(line.admissionNumber.toLowerCase())
        : undefined;
      if (line.admissionNumber && !student) {
        errors.push({
          row: line.row,
          column: 'studentAdmissionNumber',
          code: 'UNKNOWN_STUDENT',
          message: `No student has admission number ${line.admissionNumber}`,
        });
        continue;
      }
      if (!guardian) {
        guardian = randomUUID();
        newGuardians.set(line.key, { id: guardian, line });
        writes = true;
      }
      if (student && !linked.has(`${guardian}|${student}`)) {
        links.push({ student, guardian, relationship: line.relationship ?? 'guardian' });
        writes = true;
      }
      if (writes) created += 1;
      else unchanged += 1;
    }

    const fresh = [...newGuardians.values()];
    return {
      errors,
      created,
      unchanged,
      write: async () => {
        await db.insertProfiles('guardian', {
          ids: fresh.map((g) => g.id),
          firstNames: fresh.map((g) => g.line.firstName),
          middleNames: fresh.map((g) => g.line.middleName),
          lastNames: fresh.map((g) => g.line.lastName),
          emails: fresh.map((g) => g.line.email),
        });
        await db.insertGuardians(
          fresh.map((g) => g.id),
          fresh.map((g) => g.line.phone),
        );
        await db.insertLinks(
          links.map((l) => l.student),
          links.map((l) => l.guardian),
          links.map((l) => l.relationship),
        );
      },
    };
  },
};
