import { StudentsService } from '../../libs/people/students.service';
import { type StudentListQuery } from '../../libs/people/dto/students.dto';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

let tier: MediumTier;
let school: TestSchool;
let make: ReturnType<typeof factories>;
let students: StudentsService;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  make = factories(tier);
  students = tier.get(StudentsService);
});

afterAll(() => tier?.close());

/** A page query with the defaults the validation pipe fills in. */
const query = (fields: Partial<StudentListQuery> = {}): StudentListQuery => ({
  page: 1,
  pageSize: 20,
  sort: 'lastName',
  ...fields,
});

describe('enrolling a student', () => {
  it('writes the profile and the record together, active from today unless dated', async () => {
    const student = await tier.inSchool(school, () =>
      make.makeStudent({ firstName: 'Ana', admissionNumber: 'E-1', admissionDate: '2025-09-01' }),
    );
    expect(student).toMatchObject({
      firstName: 'Ana',
      admissionNumber: 'E-1',
      admissionDate: '2025-09-01',
      status: 'active',
      account: null,
      guardians: [],
    });
  });

  it('refuses an admission number the school has given, and writes nothing', async () => {
    await tier.inSchool(school, () => make.makeStudent({ admissionNumber: 'E-2' }));
    const refused = await refusal(
      tier.inSchool(school, () => make.makeStudent({ firstName: 'Twin', admissionNumber: 'E-2' })),
    );
    expect(refused.code).toBe('ADMISSION_NUMBER_TAKEN');
    // The profile inserted before the conflict went with the transaction.
    const twins = await tier.inSchool(school, () => students.list(query({ search: 'Twin' })));
    expect(twins.meta.total).toBe(0);
  });

  it("stops at the plan's limit of active students (the trial allows 50)", async () => {
    const other = await tier.provision();
    await tier.inSchool(other, async () => {
      for (let n = 0; n < 50; n++) await make.makeStudent();
    });
    const refused = await refusal(
      tier.inSchool(other, () => make.makeStudent({ firstName: 'FiftyFirst' })),
    );
    expect(refused.code).toBe('PLAN_LIMIT_REACHED');
    expect(refused.details).toMatchObject({ resource: 'students', limit: 50 });
  });
});

describe('updating a student', () => {
  it('changes profile and record fields in one call', async () => {
    const updated = await tier.inSchool(school, async () => {
      const student = await make.makeStudent();
      return students.update(student.id, { lastName: 'Renamed', status: 'suspended' });
    });
    expect(updated).toMatchObject({ lastName: 'Renamed', status: 'suspended' });
  });

  it.each([
    ['no field at all', {}, 'NOTHING_TO_CHANGE'],
    ['a required name cleared', { firstName: null }, 'VALIDATION_FAILED'],
    ['the admission number cleared', { admissionNumber: null }, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_case, changes, code) => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        const student = await make.makeStudent();
        // The DTO's types forbid null; the HTTP body may carry it, and the service decides.
        return students.update(student.id, changes as Record<string, never>);
      }),
    );
    expect(refused.code).toBe(code);
  });

  it("refuses another student's admission number", async () => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        await make.makeStudent({ admissionNumber: 'U-1' });
        const second = await make.makeStudent({ admissionNumber: 'U-2' });
        return students.update(second.id, { admissionNumber: 'U-1' });
      }),
    );
    expect(refused.code).toBe('ADMISSION_NUMBER_TAKEN');
  });

  it('answers STUDENT_NOT_FOUND for an id that is no student here', async () => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        const guardian = await make.makeGuardian();
        return students.update(guardian.id, { lastName: 'X' });
      }),
    );
    expect(refused.code).toBe('STUDENT_NOT_FOUND');
  });
});

describe('withdrawing a student', () => {
  it('keeps the record, marked withdrawn', async () => {
    const after = await tier.inSchool(school, async () => {
      const student = await make.makeStudent();
      await students.remove(student.id, false);
      return students.get(student.id);
    });
    expect(after.status).toBe('withdrawn');
  });

  it('deletes for good only for a caller holding students.purge', async () => {
    const student = await tier.inSchool(school, () => make.makeStudent());
    const clerk = await make.makeMember(school, ['students.view', 'students.delete']);
    const refused = await refusal(
      tier.inSchool(school, () => students.remove(student.id, true), clerk),
    );
    expect(refused.code).toBe('FORBIDDEN');
    await tier.inSchool(school, () => students.remove(student.id, true));
    const gone = await refusal(tier.inSchool(school, () => students.get(student.id)));
    expect(gone.code).toBe('STUDENT_NOT_FOUND');
  });
});

describe('portal usernames', () => {
  it('gives two students of the same name different usernames', async () => {
    const twins = await tier.inSchool(school, async () => [
      await make.makeStudent({ firstName: 'Sam', lastName: 'Same' }),
      await make.makeStudent({ firstName: 'Sam', lastName: 'Same' }),
    ]);
    const activated = await make.activate(
      school,
      'student',
      twins.map((twin) => twin.id),
    );
    const usernames = activated.map((person) => person.username);
    expect(usernames).toHaveLength(2);
    expect(new Set(usernames).size).toBe(2);
    for (const username of usernames) expect(username).toMatch(/^samsame/);
  });
});

describe('listing students', () => {
  let listed: TestSchool;

  beforeAll(async () => {
    listed = await tier.provision();
    await tier.inSchool(listed, async () => {
      for (const [firstName, lastName] of [
        ['Cleo', 'Adams'],
        ['Ben', 'Baker'],
        ['Ana', 'Clark'],
        ['Dan', 'Diaz'],
        ['Eve', 'Evans'],
      ]) {
        await make.makeStudent({ firstName, lastName, admissionNumber: `L-${firstName}` });
      }
      const dan = await students.list(query({ search: 'Diaz' }));
      await students.update(dan.data[0].id, { status: 'graduated' });
    });
  });

  const names = (page: { data: Array<{ firstName: string }> }) =>
    page.data.map((student) => student.firstName);

  it('pages in a stable order with the total of every page', async () => {
    const pages = await tier.inSchool(listed, async () => [
      await students.list(query({ pageSize: 2, page: 1 })),
      await students.list(query({ pageSize: 2, page: 3 })),
    ]);
    expect(names(pages[0])).toEqual(['Cleo', 'Ben']);
    expect(pages[0].meta).toEqual({ page: 1, pageSize: 2, total: 5 });
    expect(names(pages[1])).toEqual(['Eve']);
  });

  it.each([
    ['status', { status: 'graduated' as const }, ['Dan']],
    ['a search over names', { search: 'an' }, ['Ana', 'Dan', 'Eve']],
    ['a search over admission numbers', { search: 'L-Eve' }, ['Eve']],
    [
      'first name, descending',
      { sort: '-firstName' as const },
      ['Eve', 'Dan', 'Cleo', 'Ben', 'Ana'],
    ],
  ])('filters and sorts by %s', async (_case, fields, expected) => {
    const page = await tier.inSchool(listed, () => students.list(query(fields)));
    expect(names(page)).toEqual(expected);
  });
});
