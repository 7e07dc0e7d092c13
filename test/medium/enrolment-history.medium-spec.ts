import { EnrolmentService, MEMBERS_ON_SQL } from '@schoolyard/academics';
import { selectRows } from '@schoolyard/common';
import { StudentsService } from '../../libs/people/students.service';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

let tier: MediumTier;
let school: TestSchool;
let other: TestSchool;
let make: ReturnType<typeof factories>;
let enrolment: EnrolmentService;

beforeAll(async () => {
  tier = await createMediumTier();
  [school, other] = [await tier.provision(), await tier.provision()];
  make = factories(tier);
  enrolment = tier.get(EnrolmentService);
});

afterAll(() => tier?.close());

/** The active members of `sectionId` on `day`, as another library would ask. */
const membersOn = (at: TestSchool, sectionId: string, day: string) =>
  tier.inSchool(at, async (manager) =>
    (
      await selectRows<{ student_id: string }>(
        manager,
        `SELECT ss.student_id FROM section_students ss
          WHERE ${MEMBERS_ON_SQL('$1', '$2::date')} ORDER BY ss.student_id`,
        [sectionId, day],
      )
    ).map((row) => row.student_id),
  );

/** A section whose `students` joined on 2025-09-01 (committed). */
const sectionWith = (students: number) =>
  tier.inSchool(school, async () => {
    const section = await make.makeSection(10);
    const ids: string[] = [];
    for (let n = 0; n < students; n++) ids.push((await make.makeStudent()).id);
    await enrolment.enrol(section.id, ids, '2025-09-01');
    return { section, ids: [...ids].sort() };
  });

describe('MEMBERS_ON_SQL', () => {
  it('answers the active students whose stay covered the day, and nothing at another school', async () => {
    const { section, ids } = await sectionWith(3);
    const [stays, leaves, inactive] = ids;
    await tier.inSchool(school, () => enrolment.withdraw(section.id, leaves, '2025-10-01'));
    await tier.inSchool(school, () =>
      tier.get(StudentsService).update(inactive, { status: 'suspended' }),
    );

    expect(await membersOn(school, section.id, '2025-08-31')).toEqual([]);
    expect(await membersOn(school, section.id, '2025-09-01')).toEqual([stays, leaves].sort());
    expect(await membersOn(school, section.id, '2025-09-30')).toEqual([stays, leaves].sort());
    // left_on is the first day away.
    expect(await membersOn(school, section.id, '2025-10-01')).toEqual([stays]);
    expect(await membersOn(other, section.id, '2025-09-15')).toEqual([]);
  });
});

describe('withdrawing', () => {
  it('lets one of two withdrawals of the same stay through; the other finds none', async () => {
    const { section, ids } = await sectionWith(1);
    const outcomes = await Promise.allSettled(
      [0, 1].map(() => tier.inSchool(school, () => enrolment.withdraw(section.id, ids[0]))),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')?.reason).toMatchObject({
      code: 'ENROLMENT_NOT_FOUND',
    });
    const stays = await tier.inSchool(school, () => enrolment.membershipsOf(ids[0]));
    expect(stays).toEqual([
      expect.objectContaining({
        joinedOn: '2025-09-01',
        current: false,
        leftOn: expect.any(String),
      }),
    ]);
  });

  it('refuses a leaving day before the joining day, changing nothing', async () => {
    const { section, ids } = await sectionWith(1);
    const refused = await refusal(
      tier.inSchool(school, () => enrolment.withdraw(section.id, ids[0], '2025-08-31')),
    );
    expect(refused).toMatchObject({
      code: 'LEFT_BEFORE_JOINING',
      details: { field: 'leftOn', joinedOn: '2025-09-01' },
    });
    const roster = await tier.inSchool(school, () => enrolment.roster(section.id));
    expect(roster.students).toEqual([
      expect.objectContaining({ id: ids[0], joinedOn: '2025-09-01', leftOn: null }),
    ]);
  });
});
