import {
  AcademicLevelsService,
  ProgramsService,
  type SectionView,
  SectionsService,
} from '@schoolyard/academics';
import { type AcademicYearView, AcademicYearsService } from '@schoolyard/calendar';
import { AppError } from '@schoolyard/common';
import { type PortalKind, PortalActivation } from '@schoolyard/people';
import { type PermissionCode, RolesService } from '@schoolyard/rbac';
import { type EnrollStudentDto, type StudentView } from '../../libs/people/dto/students.dto';
import { type StaffView } from '../../libs/people/dto/staff.dto';
import { type GuardianView } from '../../libs/people/dto/guardians.dto';
import { GuardiansService } from '../../libs/people/guardians.service';
import { StaffService } from '../../libs/people/staff.service';
import { StudentsService } from '../../libs/people/students.service';
import { type MediumTier, type TestSchool } from './medium';

/**
 * Makers of a school's people and classes, through the services a request would call. Those
 * without a school argument work in the tenant transaction already open, so call them inside
 * `tier.inSchool`: what a test makes is then rolled back with it when that transaction fails.
 */
export function factories(tier: MediumTier) {
  let sequence = 0;
  const next = () => ++sequence;

  const makeStudent = (fields: Partial<EnrollStudentDto> = {}): Promise<StudentView> => {
    const n = next();
    return tier.get(StudentsService).enroll({
      firstName: `Student${n}`,
      lastName: 'Pupil',
      admissionNumber: `A-${n}`,
      ...fields,
    });
  };

  const makeStaff = (fields: { firstName?: string; lastName?: string } = {}): Promise<StaffView> =>
    tier.get(StaffService).onboardInstructor({
      firstName: `Staff${next()}`,
      lastName: 'Teacher',
      ...fields,
    });

  const makeGuardian = (
    fields: { firstName?: string; lastName?: string } = {},
  ): Promise<GuardianView> =>
    tier.get(GuardiansService).create({
      firstName: `Guardian${next()}`,
      lastName: 'Parent',
      ...fields,
    });

  /**
   * The school's year named `name` (2025-2026: 1 July to 30 June), made if it has none yet.
   * Sections need one; reusing it keeps a school's test years from overlapping.
   */
  const academicYear = async (name = '2025-2026'): Promise<AcademicYearView> => {
    const years = tier.get(AcademicYearsService);
    const found = (await years.list()).find((year) => year.name === name);
    if (found) return found;
    const [start, end] = name.split('-');
    try {
      return await years.create({ name, startsOn: `${start}-07-01`, endsOn: `${end}-06-30` });
    } catch (error) {
      // Another transaction of the test made it first (the overlap check waited for it).
      const made = (await years.list()).find((year) => year.name === name);
      if (error instanceof AppError && error.code === 'ACADEMIC_YEAR_OVERLAP' && made) return made;
      throw error;
    }
  };

  /** A section of a new program and level, in the year 2025-2026; `capacity` students fit. */
  const makeSection = async (capacity = 30): Promise<SectionView> => {
    const n = next();
    const year = await academicYear();
    const program = await tier.get(ProgramsService).create({ code: `P${n}`, name: `Program ${n}` });
    const level = await tier
      .get(AcademicLevelsService)
      .create({ programId: program.id, name: `Grade ${n}`, position: n });
    return tier.get(SectionsService).create({
      levelId: level.id,
      academicYearId: year.id,
      name: `S${n}`,
      capacity,
    });
  };

  /**
   * A portal account for each person, as the activation endpoints make them. Activation runs
   * its own transactions (it hashes between them), so this opens the school's context itself
   * and the people must have been committed: call it outside `inSchool`.
   */
  const activate = async (school: TestSchool, kind: PortalKind, profileIds: string[]) =>
    (await tier.inSchool(school, () => tier.get(PortalActivation).activate(kind, profileIds)))
      .activated;

  /**
   * A staff member with an account whose only role carries `permissions`: a caller for the
   * rules that depend on who asks. Answers their user id, for `inSchool(..., as)`. Commits as
   * it goes, like `activate`: call it outside `inSchool`.
   */
  const makeMember = async (school: TestSchool, permissions: PermissionCode[]): Promise<string> => {
    const staff = await tier.inSchool(school, () =>
      makeStaff({ firstName: 'Clara', lastName: `Clerk${next()}` }),
    );
    const [account] = await activate(school, 'staff', [staff.id]);
    await tier.inSchool(school, async () => {
      const roles = tier.get(RolesService);
      const role = await roles.create({ name: `Clerk ${next()}`, permissions });
      await roles.assign(role.id, account.userId);
      // Activation made them an Instructor too; the caller under test holds only `permissions`.
      const instructor = (await roles.list()).find((held) => held.systemKey === 'instructor');
      if (instructor) await roles.unassign(instructor.id, account.userId);
    });
    return account.userId;
  };

  return {
    makeStudent,
    makeStaff,
    makeGuardian,
    academicYear,
    makeSection,
    makeMember,
    activate,
  };
}

export type Factories = ReturnType<typeof factories>;
