import { type RefusalRow, expectRefused, refusalFixture } from './support/refusals';
import { createTestApp, type TestApp } from './support/test-app';
import { bodyOf, caller } from './support/caller';

/** Bad input and broken rules of the course-content routes, each with its status and code. */
const REFUSALS: RefusalRow[] = [
  [
    'ines',
    'POST',
    '/api/course-content/contents',
    {
      sectionId: '{sectionA}',
      subjectId: '{subject}',
      kind: 'note',
      title: 'N',
      body: '',
      dueAt: '2025-10-01T10:00:00Z',
    },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/contents',
    { sectionId: '{sectionA}', subjectId: '{subject}', kind: 'quiz', title: 'Q', body: '' },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/contents',
    {
      sectionId: '{sectionA}',
      subjectId: '{subject}',
      kind: 'assignment',
      title: 'Q',
      body: '',
      maxPoints: 1.234,
    },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/contents',
    { sectionId: '{sectionA}', subjectId: '{unknown}', kind: 'note', title: 'Q', body: '' },
    404,
    'SUBJECT_NOT_FOUND',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/contents',
    { sectionId: '{unknown}', subjectId: '{subject}', kind: 'note', title: 'Q', body: '' },
    404,
    'SECTION_NOT_FOUND',
  ],
  [
    'ines',
    'PATCH',
    '/api/course-content/contents/{work}',
    { maxPoints: 5 },
    409,
    'MAX_POINTS_BELOW_AWARDED',
  ],
  [
    'ines',
    'PATCH',
    '/api/course-content/contents/{note}',
    { maxPoints: 5 },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/submissions/{submission}/grade',
    { points: -1 },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/submissions/{submission}/grade',
    { points: 'ten' },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/submissions/{unknown}/grade',
    { points: 1 },
    404,
    'SUBMISSION_NOT_FOUND',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/submissions/{submission}/return',
    {},
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'GET',
    '/api/course-content/submissions?status=lost',
    undefined,
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'GET',
    '/api/course-content/submissions?late=maybe',
    undefined,
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ana',
    'POST',
    '/api/course-content/submissions',
    { contentId: '{note}', body: 'Hi' },
    409,
    'NOT_AN_ASSIGNMENT',
  ],
  [
    'ana',
    'POST',
    '/api/course-content/submissions',
    { contentId: '{work}', body: '' },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ana',
    'POST',
    '/api/course-content/submissions',
    { contentId: '{unknown}', body: 'Hi' },
    404,
    'CONTENT_NOT_FOUND',
  ],
  [
    'ben',
    'POST',
    '/api/course-content/submissions',
    {
      contentId: '{work}',
      body: 'Hi',
      attachments: [{ fileName: '../x', contentType: 'pdf', sizeBytes: -1 }],
    },
    400,
    'VALIDATION_FAILED',
  ],
  [
    'ines',
    'POST',
    '/api/course-content/submissions',
    { contentId: '{work}', body: 'Hi' },
    403,
    'FORBIDDEN',
  ],
];

describe('course content: refusals in the shared error shape', () => {
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

  it('accepts a submission whose attachments are valid', async () => {
    const withFiles = bodyOf<{ attachments: unknown[]; isLate: boolean }>(
      await caller(t)(
        fixture.c.school,
        fixture.c.as.ben,
        'POST',
        '/api/course-content/submissions',
        {
          contentId: fixture.ids.work,
          body: 'Attached',
          attachments: [
            { fileName: 'answers.pdf', contentType: 'application/pdf', sizeBytes: 48213 },
          ],
        },
      ),
      201,
    );
    expect(withFiles).toMatchObject({
      isLate: false,
      attachments: [{ fileName: 'answers.pdf', contentType: 'application/pdf', sizeBytes: 48213 }],
    });
  });
});
