import { type RefusalRow, expectRefused, refusalFixture } from './support/refusals';
import { createTestApp, type TestApp } from './support/test-app';

/** Bad input and broken rules of the academics routes, each with its status and code. */
const REFUSALS: RefusalRow[] = [
  ['owner', 'GET', '/api/academics/programs?pageSize=101', undefined, 400, 'VALIDATION_FAILED'],
  ['owner', 'GET', '/api/academics/sections?sort=password', undefined, 400, 'VALIDATION_FAILED'],
  [
    'owner',
    'GET',
    '/api/academics/sections?academicYearId=2025-2026',
    undefined,
    400,
    'VALIDATION_FAILED',
  ],
  ['owner', 'GET', '/api/academics/sections/not-a-uuid', undefined, 400, 'VALIDATION_FAILED'],
  ['owner', 'GET', '/api/students?sectionId=nope', undefined, 400, 'VALIDATION_FAILED'],
  [
    'owner',
    'POST',
    '/api/academics/programs',
    { code: 'mid', name: 'Again' },
    409,
    'PROGRAM_CODE_TAKEN',
  ],
  [
    'owner',
    'POST',
    '/api/academics/programs',
    { code: 'bad code!', name: 'X' },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/academic-levels',
    { programId: '{unknown}', name: 'X', position: 1 },
    404,
    'PROGRAM_NOT_FOUND',
  ],
  [
    'owner',
    'POST',
    '/api/academics/academic-levels',
    { programId: '{program}', name: 'grade 7', position: 1 },
    409,
    'ACADEMIC_LEVEL_NAME_TAKEN',
  ],
  [
    'owner',
    'POST',
    '/api/academics/academic-levels',
    { programId: '{program}', name: 'X', position: -1 },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    { levelId: '{level}', academicYearId: '{academicYear}', name: '7C', capacity: 0 },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    { levelId: '{level}', academicYearId: '2025-2026', name: '7C', capacity: 5 },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    { levelId: '{level}', academicYearId: '{unknown}', name: '7C', capacity: 5 },
    404,
    'ACADEMIC_YEAR_NOT_FOUND',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    { levelId: '{level}', academicYearId: '{academicYear}', name: '7a', capacity: 5 },
    409,
    'SECTION_NAME_TAKEN',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    { levelId: '{unknown}', academicYearId: '{academicYear}', name: '7C', capacity: 5 },
    404,
    'ACADEMIC_LEVEL_NOT_FOUND',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections',
    {
      levelId: '{level}',
      academicYearId: '{academicYear}',
      name: '7C',
      capacity: 5,
      homeroomInstructorId: '{ana}',
    },
    404,
    'INSTRUCTOR_NOT_FOUND',
  ],
  ['owner', 'PATCH', '/api/academics/sections/{sectionA}', {}, 400, 'NOTHING_TO_CHANGE'],
  [
    'owner',
    'PATCH',
    '/api/academics/sections/{sectionA}',
    { academicYearId: '{unknown}' },
    404,
    'ACADEMIC_YEAR_NOT_FOUND',
  ],
  [
    'owner',
    'PATCH',
    '/api/academics/sections/{sectionA}',
    { academicYearId: null },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'PATCH',
    '/api/academics/sections/{sectionA}',
    { name: null },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'PATCH',
    '/api/academics/sections/{sectionA}',
    { levelId: '{grade9}' },
    400,
    'VALIDATION_FAILED',
  ],
  ['owner', 'PATCH', '/api/academics/programs/{program}', { code: null }, 400, 'VALIDATION_FAILED'],
  [
    'owner',
    'POST',
    '/api/academics/subjects',
    { code: 'math-7', name: 'Again' },
    409,
    'SUBJECT_CODE_TAKEN',
  ],
  [
    'owner',
    'PATCH',
    '/api/academics/subjects/{physics}',
    { code: 'MATH-7' },
    409,
    'SUBJECT_CODE_TAKEN',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections/{sectionA}/teaching',
    { subjectId: '{physics}', instructorId: '{ines}' },
    409,
    'SUBJECT_OF_ANOTHER_LEVEL',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections/{sectionA}/teaching',
    { subjectId: '{subject}', instructorId: '{ines}' },
    409,
    'ALREADY_ASSIGNED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections/{sectionA}/teaching',
    { subjectId: '{subject}', instructorId: '{ana}' },
    404,
    'INSTRUCTOR_NOT_FOUND',
  ],
  [
    'owner',
    'DELETE',
    '/api/academics/sections/{sectionA}/teaching/{unknown}',
    undefined,
    404,
    'TEACHING_ASSIGNMENT_NOT_FOUND',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections/{sectionA}/students',
    { studentIds: [] },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'owner',
    'POST',
    '/api/academics/sections/{unknown}/students',
    { studentIds: ['{ana}'] },
    404,
    'SECTION_NOT_FOUND',
  ],
];

describe('academics: refusals in the shared error shape', () => {
  let t: TestApp;
  let fixture: Awaited<ReturnType<typeof refusalFixture>>;

  beforeAll(async () => {
    t = await createTestApp();
    fixture = await refusalFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(REFUSALS)('%s: %s %s %j → %i %s', async (...row) => {
    await expectRefused(t, fixture, row);
  });
});
