import { GuardiansService } from '../../libs/people/guardians.service';
import { StaffService } from '../../libs/people/staff.service';
import { StudentsService } from '../../libs/people/students.service';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

let tier: MediumTier;
let school: TestSchool;
let make: ReturnType<typeof factories>;
let staff: StaffService;
let guardians: GuardiansService;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  make = factories(tier);
  staff = tier.get(StaffService);
  guardians = tier.get(GuardiansService);
});

afterAll(() => tier?.close());

describe('staff', () => {
  it("counts only active staff toward the plan's limit (the trial allows 10)", async () => {
    const limited = await tier.provision();
    const first = await tier.inSchool(limited, async () => {
      const member = await make.makeStaff();
      for (let n = 1; n < 10; n++) await make.makeStaff();
      // Someone who left frees a place for a tenth active member.
      await staff.markLeft(member.id);
      await make.makeStaff({ firstName: 'Tenth' });
      return member;
    });
    // Coming back takes a place again, and there is none.
    const refused = await refusal(
      tier.inSchool(limited, () => staff.update(first.id, { status: 'active' })),
    );
    expect(refused.code).toBe('PLAN_LIMIT_REACHED');
    expect(refused.details).toMatchObject({ resource: 'staff', limit: 10 });
  });

  it('marks a staff member as left, and repeating it changes nothing', async () => {
    const left = await tier.inSchool(school, async () => {
      const member = await make.makeStaff();
      await staff.markLeft(member.id);
      await staff.markLeft(member.id);
      return staff.get(member.id);
    });
    expect(left.status).toBe('left');
  });
});

describe("guardians' links to students", () => {
  it('links a student once, with the relationship given', async () => {
    const [guardian, student] = await tier.inSchool(school, async () => [
      await make.makeGuardian(),
      await make.makeStudent(),
    ]);
    const linked = await tier.inSchool(school, () =>
      guardians.linkStudent(guardian.id, { studentId: student.id, relationship: 'father' }),
    );
    expect(linked.children).toEqual([
      expect.objectContaining({ studentId: student.id, relationship: 'father' }),
    ]);
    const again = await refusal(
      tier.inSchool(school, () =>
        guardians.linkStudent(guardian.id, { studentId: student.id, relationship: 'mother' }),
      ),
    );
    expect(again.code).toBe('ALREADY_LINKED');
  });

  it('refuses a link to someone who is no student here', async () => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        const guardian = await make.makeGuardian();
        const other = await make.makeGuardian();
        return guardians.linkStudent(guardian.id, { studentId: other.id, relationship: 'other' });
      }),
    );
    expect(refused.code).toBe('STUDENT_NOT_FOUND');
  });

  it('unlinks a linked student, and says when there was no link', async () => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        const guardian = await make.makeGuardian();
        const student = await make.makeStudent();
        await guardians.linkStudent(guardian.id, {
          studentId: student.id,
          relationship: 'grandparent',
        });
        await guardians.unlinkStudent(guardian.id, student.id);
        expect((await guardians.get(guardian.id)).children).toEqual([]);
        await guardians.unlinkStudent(guardian.id, student.id);
      }),
    );
    expect(refused.code).toBe('LINK_NOT_FOUND');
  });

  it("goes with the guardian, leaving the student's record", async () => {
    const student = await tier.inSchool(school, async () => {
      const guardian = await make.makeGuardian();
      const child = await make.makeStudent();
      await guardians.linkStudent(guardian.id, { studentId: child.id, relationship: 'mother' });
      await guardians.remove(guardian.id);
      return tier.get(StudentsService).get(child.id);
    });
    expect(student.guardians).toEqual([]);
  });
});
