import { EnrolmentService, SectionsService } from '@schoolyard/academics';
import { StudentsService } from '../../libs/people/students.service';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

let tier: MediumTier;
let school: TestSchool;
let make: ReturnType<typeof factories>;
let sections: SectionsService;
let enrolment: EnrolmentService;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  make = factories(tier);
  sections = tier.get(SectionsService);
  enrolment = tier.get(EnrolmentService);
});

afterAll(() => tier?.close());

/** A section of `capacity` and `students` active students, committed. */
const sectionWith = (capacity: number, students: number) =>
  tier.inSchool(school, async () => {
    const section = await make.makeSection(capacity);
    const ids: string[] = [];
    for (let n = 0; n < students; n++) ids.push((await make.makeStudent()).id);
    return { section, ids };
  });

describe('enrolling students in a section', () => {
  it('fills it up to its capacity and reports who was there already', async () => {
    const { section, ids } = await sectionWith(2, 2);
    const first = await tier.inSchool(school, () => enrolment.enrol(section.id, [ids[0]]));
    expect(first).toMatchObject({ capacity: 2, enrolledCount: 1, added: [ids[0]] });
    const second = await tier.inSchool(school, () => enrolment.enrol(section.id, ids));
    expect(second).toMatchObject({ enrolledCount: 2, added: [ids[1]], alreadyEnrolled: [ids[0]] });
  });

  it('refuses the whole request when the students would not fit, enrolling none', async () => {
    const { section, ids } = await sectionWith(2, 3);
    const refused = await refusal(tier.inSchool(school, () => enrolment.enrol(section.id, ids)));
    expect(refused.code).toBe('SECTION_FULL');
    expect(refused.details).toEqual({ capacity: 2, enrolled: 0, adding: 3 });
    const after = await tier.inSchool(school, () => sections.get(section.id));
    expect(after.enrolledCount).toBe(0);
  });

  it('gives the last place to one of two enrolments racing for it', async () => {
    const { section, ids } = await sectionWith(1, 2);
    // Each in its own transaction, at once: the section's row lock orders them.
    const outcomes = await Promise.allSettled(
      ids.map((id) => tier.inSchool(school, () => enrolment.enrol(section.id, [id]))),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'SECTION_FULL' });
    expect((await tier.inSchool(school, () => sections.get(section.id))).enrolledCount).toBe(1);
  });

  it('refuses students who are not active', async () => {
    const { section, ids } = await sectionWith(5, 2);
    await tier.inSchool(school, () =>
      tier.get(StudentsService).update(ids[1], { status: 'withdrawn' }),
    );
    const refused = await refusal(tier.inSchool(school, () => enrolment.enrol(section.id, ids)));
    expect(refused.code).toBe('STUDENT_NOT_ACTIVE');
    expect(refused.details).toEqual({ studentIds: [ids[1]] });
  });

  it('refuses ids that are no student of this school', async () => {
    const { section } = await sectionWith(5, 0);
    const guardian = await tier.inSchool(school, () => make.makeGuardian());
    const refused = await refusal(
      tier.inSchool(school, () => enrolment.enrol(section.id, [guardian.id])),
    );
    expect(refused.code).toBe('STUDENT_NOT_FOUND');
  });

  it('withdraws an enrolled student, freeing the place, and says when there was none', async () => {
    const { section, ids } = await sectionWith(1, 2);
    await tier.inSchool(school, () => enrolment.enrol(section.id, [ids[0]]));
    await tier.inSchool(school, () => enrolment.withdraw(section.id, ids[0]));
    const again = await refusal(
      tier.inSchool(school, () => enrolment.withdraw(section.id, ids[0])),
    );
    expect(again.code).toBe('ENROLMENT_NOT_FOUND');
    const next = await tier.inSchool(school, () => enrolment.enrol(section.id, [ids[1]]));
    expect(next.enrolledCount).toBe(1);
  });
});

describe("changing a section's capacity", () => {
  it('refuses a capacity below the students enrolled, and allows it down to them', async () => {
    const { section, ids } = await sectionWith(5, 3);
    await tier.inSchool(school, () => enrolment.enrol(section.id, ids));
    const refused = await refusal(
      tier.inSchool(school, () => sections.update(section.id, { capacity: 2 })),
    );
    expect(refused.code).toBe('CAPACITY_BELOW_ENROLMENT');
    const changed = await tier.inSchool(school, () => sections.update(section.id, { capacity: 3 }));
    expect(changed).toMatchObject({ capacity: 3, enrolledCount: 3 });
  });

  it('refuses a name another section of the level has that year', async () => {
    const refused = await refusal(
      tier.inSchool(school, async () => {
        const section = await make.makeSection();
        return sections.create({
          levelId: section.level.id,
          academicYearId: section.academicYear.id,
          name: section.name,
          capacity: 10,
        });
      }),
    );
    expect(refused.code).toBe('SECTION_NAME_TAKEN');
  });
});
