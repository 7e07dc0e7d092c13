import { EnrolmentService } from '@schoolyard/academics';
import { pgErrorOf } from '@schoolyard/database';
import { SchoolAccess } from '@schoolyard/rbac';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { StudentsService } from '../../libs/people/students.service';
import { type StudentListQuery } from '../../libs/people/dto/students.dto';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

/**
 * Invariant 1 at the service tier: code running in school B's transaction, the way a request
 * of B runs it, neither sees nor changes school A's rows, by any id it is handed.
 */
let tier: MediumTier;
let schoolA: TestSchool;
let schoolB: TestSchool;
let students: StudentsService;
let anasId: string;

const everyone: StudentListQuery = { page: 1, pageSize: 100, sort: 'lastName' };

beforeAll(async () => {
  tier = await createMediumTier();
  [schoolA, schoolB] = [await tier.provision(), await tier.provision()];
  students = tier.get(StudentsService);
  const make = factories(tier);
  anasId = (
    await tier.inSchool(schoolA, () =>
      make.makeStudent({ firstName: 'Ana', lastName: 'OfSchoolA', admissionNumber: 'ISO-1' }),
    )
  ).id;
  await tier.inSchool(schoolB, () =>
    make.makeStudent({ firstName: 'Ben', lastName: 'OfSchoolB', admissionNumber: 'ISO-1' }),
  );
});

afterAll(() => tier?.close());

describe("a service in school B's transaction", () => {
  it("lists only B's students, though A's are committed", async () => {
    const [inA, inB] = [
      await tier.inSchool(schoolA, () => students.list(everyone)),
      await tier.inSchool(schoolB, () => students.list(everyone)),
    ];
    expect(inA.data.map((student) => student.lastName)).toEqual(['OfSchoolA']);
    expect(inB.data.map((student) => student.lastName)).toEqual(['OfSchoolB']);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['read', () => students.get(anasId)],
    ['update', () => students.update(anasId, { lastName: 'Changed' })],
    ['withdraw', () => students.remove(anasId, false)],
  ])("cannot %s A's student by id", async (_case, work) => {
    const refused = await refusal(tier.inSchool(schoolB, work));
    expect(refused.code).toBe('STUDENT_NOT_FOUND');
    const ana = await tier.inSchool(schoolA, () => students.get(anasId));
    expect(ana).toMatchObject({ lastName: 'OfSchoolA', status: 'active' });
  });

  it("cannot enrol A's student in a section of B", async () => {
    const refused = await refusal(
      tier.inSchool(schoolB, async () => {
        const section = await factories(tier).makeSection();
        return tier.get(EnrolmentService).enrol(section.id, [anasId]);
      }),
    );
    expect(refused.code).toBe('STUDENT_NOT_FOUND');
  });

  it("is refused by the database when it names A's schema outright", async () => {
    const error = await tier
      .inSchool(schoolB, (manager) =>
        manager.query(`SELECT count(*) FROM ${quoteIdentifier(schoolA.schemaName)}.students`),
      )
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    // 42501: insufficient_privilege. B's role has no USAGE on A's schema.
    expect(pgErrorOf(error)?.code).toBe('42501');
  });

  it("gives A's owner no role in B", async () => {
    const grant = await tier.get(SchoolAccess).grantOf(schoolB, schoolA.ownerUserId);
    expect(grant.roles).toEqual([]);
    expect(grant.permissions.size).toBe(0);
  });
});
