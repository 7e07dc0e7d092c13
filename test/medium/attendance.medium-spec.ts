import { EnrolmentService } from '@schoolyard/academics';
import { RegistersService, ReportsService } from '@schoolyard/attendance';
import { type ScopedCaller } from '@schoolyard/rbac';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';
import { shiftDate } from '../support/school-year';

let tier: MediumTier;
let school: TestSchool;
let otherSchool: TestSchool;
let registers: RegistersService;
let make: ReturnType<typeof factories>;

/** A section whose homeroom is a teacher with an account, two students, every day a school day. */
interface Classroom {
  sectionId: string;
  studentIds: string[];
  teacher: ScopedCaller;
  colleague: ScopedCaller;
  today: string;
}
let room: Classroom;
const office: ScopedCaller = { userId: randomUUID(), reachesAll: true };

const one = async <T>(manager: EntityManager, sql: string, parameters: unknown[] = []) =>
  ((await manager.query(sql, parameters)) as T[])[0];

/** Calendar rows and history the API of other libraries will write; here in the school's transaction. */
async function classroom(at: TestSchool, editDays: number): Promise<Classroom> {
  return tier.inSchool(at, async (manager) => {
    const section = await make.makeSection();
    const students = [(await make.makeStudent()).id, (await make.makeStudent()).id];
    await tier.get(EnrolmentService).enrol(section.id, students);
    const [homeroom, other] = [await make.makeStaff(), await make.makeStaff()];
    const teacher = { userId: randomUUID(), reachesAll: false };
    const colleague = { userId: randomUUID(), reachesAll: false };
    // The soft links an activation would make: the rules find staff by their account.
    await manager.query('UPDATE profiles SET user_id = $2 WHERE id = $1', [
      homeroom.id,
      teacher.userId,
    ]);
    await manager.query('UPDATE profiles SET user_id = $2 WHERE id = $1', [
      other.id,
      colleague.userId,
    ]);
    await manager.query('UPDATE sections SET homeroom_instructor_id = $2 WHERE id = $1', [
      section.id,
      homeroom.id,
    ]);
    const { today } = await one<{ today: string }>(
      manager,
      `SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today FROM school_settings`,
    );
    await manager.query(
      `INSERT INTO academic_years (name, starts_on, ends_on)
       SELECT 'Medium ' || gen_random_uuid(), $1::date - 60, $1::date + 60
        WHERE NOT EXISTS (SELECT 1 FROM academic_years WHERE $1::date BETWEEN starts_on AND ends_on
                            AND name LIKE 'Medium %')`,
      [today],
    );
    await manager.query(`UPDATE school_settings SET rest_days = '{}', attendance_edit_days = $1`, [
      editDays,
    ]);
    await manager.query('UPDATE section_students SET joined_on = $2 WHERE section_id = $1', [
      section.id,
      shiftDate(today, -30),
    ]);
    return { sectionId: section.id, studentIds: students, teacher, colleague, today };
  });
}

beforeAll(async () => {
  tier = await createMediumTier();
  make = factories(tier);
  registers = tier.get(RegistersService);
  [school, otherSchool] = [await tier.provision(), await tier.provision()];
  room = await classroom(school, 2);
});

afterAll(() => tier?.close());

const daily = (date: string) => ({ sectionId: room.sectionId, date, kind: 'daily' as const });
const mark = (status: 'present' | 'absent') =>
  room.studentIds.map((studentId) => ({ studentId, status }));

describe('the editing window (two days)', () => {
  it.each([0, -1, -2])('lets the homeroom save a register %i days from today', async (offset) => {
    const saved = await tier.inSchool(school, async () => {
      const { register } = await registers.open(room.teacher, daily(shiftDate(room.today, offset)));
      return registers.save(room.teacher, register.id, mark('present'));
    });
    expect(saved.counts.present).toBe(2);
  });

  it('closes it on the third day, to opening and to saving, until the office reopens it', async () => {
    const date = shiftDate(room.today, -3);
    const closed = await refusal(
      tier.inSchool(school, () => registers.open(room.teacher, daily(date))),
    );
    expect(closed).toMatchObject({
      code: 'ATTENDANCE_LOCKED',
      details: { date, editableUntil: shiftDate(room.today, -1) },
    });
    const { register } = await tier.inSchool(school, () => registers.open(office, daily(date)));
    const saving = () => registers.save(room.teacher, register.id, mark('absent'));
    expect((await refusal(tier.inSchool(school, saving))).code).toBe('ATTENDANCE_LOCKED');
    const unlocked = await tier.inSchool(school, () => registers.unlock(office, register.id));
    expect(unlocked.unlockedUntil).toBe(shiftDate(room.today, 2));
    expect((await tier.inSchool(school, saving)).counts.absent).toBe(2);
  });
});

describe('who takes a register', () => {
  it.each([
    ['another instructor', () => room.colleague, 'NOT_HOMEROOM_INSTRUCTOR'],
    [
      'an account with no staff profile here',
      () => ({ userId: randomUUID(), reachesAll: false }),
      'NOT_HOMEROOM_INSTRUCTOR',
    ],
  ])('refuses the daily register to %s', async (_who, caller, code) => {
    const refused = await refusal(
      tier.inSchool(school, () => registers.open(caller(), daily(room.today))),
    );
    expect(refused.code).toBe(code);
  });

  it('lets the office take any register; an account without a profile here leaves marks unsigned', async () => {
    const saved = await tier.inSchool(school, async () => {
      const { register } = await registers.open(office, daily(shiftDate(room.today, -10)));
      return registers.save(office, register.id, mark('present'));
    });
    expect(saved.register.map((row) => row.status)).toEqual(['present', 'present']);
    // The office account has no profile in this school: the mark is unsigned, not refused.
    expect(saved.register.every((row) => row.recordedBy === null)).toBe(true);
  });
});

describe('another school', () => {
  it('finds none of these registers, sections or students', async () => {
    const { register } = await tier.inSchool(school, () =>
      registers.open(office, daily(room.today)),
    );
    const works: Array<() => Promise<unknown>> = [
      () => registers.get(office, register.id),
      () => registers.save(office, register.id, mark('absent')),
      () => registers.unlock(office, register.id),
      () => registers.open(office, daily(room.today)),
      () =>
        tier
          .get(ReportsService)
          .section(office, room.sectionId, { from: room.today, to: room.today, kind: 'daily' }),
      () =>
        tier.get(ReportsService).student('staff', office, room.studentIds[0], {
          from: room.today,
          to: room.today,
          kind: 'daily',
        }),
    ];
    for (const work of works) {
      expect((await refusal(tier.inSchool(otherSchool, work))).status).toBe(404);
    }
  });
});
