import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { createTestApp, registerSchool, signIn, type TestApp } from './support/test-app';

interface ContentBody {
  id: string;
  kind: string;
  title: string;
  isPublished: boolean;
  maxPoints: number | null;
  author: { id: string } | null;
}

interface SubmissionBody {
  id: string;
  status: string;
  attempt: number;
  isLate: boolean;
  body: string;
  points: number | null;
  feedback: string | null;
  student: { id: string };
  gradedBy: { id: string } | null;
  attempts?: Array<{ attempt: number; body: string; feedback: string | null; isLate: boolean }>;
}

const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString();
const NEXT_WEEK = new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('academics and course content', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Ines publishes an assignment in 7A, due yesterday, worth 20 points. */
  async function assignment(c: Campus, overrides: object = {}): Promise<ContentBody> {
    const response = await call(c.school, c.as.ines, 'POST', '/api/course-content/contents', {
      sectionId: c.sectionA.id,
      subjectId: c.subject.id,
      kind: 'assignment',
      title: 'Fractions, worksheet 3',
      body: 'Solve exercises 1 to 12.',
      dueAt: YESTERDAY,
      maxPoints: 20,
      isPublished: true,
      ...overrides,
    });
    return bodyOf<ContentBody>(response, 201);
  }

  const submit = (c: Campus, who: keyof Campus['as'], contentId: string, body = 'My answers') =>
    call(c.school, c.as[who], 'POST', '/api/course-content/submissions', { contentId, body });

  it('goes from program to grade: a late submission graded by its instructor, read by student and guardian', async () => {
    const c = await campus(t);
    const section = bodyOf(
      await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionA.id}`),
      200,
    );
    expect(section).toMatchObject({
      name: '7A',
      academicYear: { id: c.academicYear.id, name: '2025-2026' },
      capacity: 2,
      enrolledCount: 2,
      level: { id: c.level.id, name: 'Grade 7', position: 7 },
      program: { id: c.program.id, code: 'MID' },
    });
    const enrolled = bodyOf<Page<{ id: string }>>(
      await call(c.school, c.owner, 'GET', `/api/students?sectionId=${c.sectionA.id}`),
      200,
    );
    expect(enrolled.data.map((student) => student.id).sort()).toEqual(
      [c.ids.ana, c.ids.ben].sort(),
    );
    expect(enrolled.meta.total).toBe(2);

    const work = await assignment(c);
    expect(work).toMatchObject({ kind: 'assignment', isPublished: true, maxPoints: 20 });
    expect(work.author?.id).toBe(c.ids.ines);
    const draft = await assignment(c, {
      kind: 'note',
      title: 'Draft notes',
      dueAt: undefined,
      maxPoints: undefined,
      isPublished: false,
    });

    const seenByAna = bodyOf<Page<ContentBody>>(
      await call(c.school, c.as.ana, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(seenByAna.data.map((content) => content.id)).toEqual([work.id]);
    expect(
      (await call(c.school, c.as.ana, 'GET', `/api/course-content/contents/${draft.id}`))
        .statusCode,
    ).toBe(404);

    const first = bodyOf<SubmissionBody>(await submit(c, 'ana', work.id, 'First try'), 201);
    expect(first).toMatchObject({
      status: 'submitted',
      attempt: 1,
      isLate: true,
      body: 'First try',
    });
    const second = bodyOf<SubmissionBody>(await submit(c, 'ana', work.id, 'Second try'), 201);
    expect(second).toMatchObject({ id: first.id, attempt: 2, body: 'Second try' });
    expect(second.attempts?.map((attempt) => attempt.body)).toEqual(['First try', 'Second try']);

    const queue = bodyOf<Page<SubmissionBody>>(
      await call(
        c.school,
        c.as.ines,
        'GET',
        `/api/course-content/submissions?contentId=${work.id}&status=submitted`,
      ),
      200,
    );
    expect(queue.data.map((submission) => submission.id)).toEqual([first.id]);

    const tooMany = await call(
      c.school,
      c.as.ines,
      'POST',
      `/api/course-content/submissions/${first.id}/grade`,
      { points: 20.5 },
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({
      code: 'POINTS_ABOVE_MAX',
      details: { maxPoints: 20 },
    });
    const graded = bodyOf<SubmissionBody>(
      await call(c.school, c.as.ines, 'POST', `/api/course-content/submissions/${first.id}/grade`, {
        points: 17.5,
        feedback: 'Good work, mind the signs.',
      }),
      200,
    );
    expect(graded).toMatchObject({ status: 'graded', points: 17.5, gradedBy: { id: c.ids.ines } });
    expect((await submit(c, 'ana', work.id, 'Third try')).json().error.code).toBe('ALREADY_GRADED');

    for (const who of ['ana', 'gwen'] as const) {
      const mine = bodyOf<Page<SubmissionBody>>(
        await call(c.school, c.as[who], 'GET', '/api/course-content/submissions'),
        200,
      );
      expect(mine.data).toEqual([
        expect.objectContaining({
          id: first.id,
          status: 'graded',
          points: 17.5,
          feedback: 'Good work, mind the signs.',
          isLate: true,
          student: expect.objectContaining({ id: c.ids.ana }),
        }),
      ]);
    }
    const forGwen = bodyOf<Page<ContentBody>>(
      await call(c.school, c.as.gwen, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(forGwen.data.map((content) => content.id)).toEqual([work.id]);
    expect(
      bodyOf(
        await call(c.school, c.as.gwen, 'GET', `/api/course-content/submissions/${first.id}`),
        200,
      ),
    ).toMatchObject({ points: 17.5 });
    // Read-only: a guardian hands in, grades and publishes nothing.
    expect((await submit(c, 'gwen', work.id)).statusCode).toBe(403);
    expect(
      (
        await call(
          c.school,
          c.as.gwen,
          'POST',
          `/api/course-content/submissions/${first.id}/grade`,
          { points: 1 },
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call(c.school, c.as.gwen, 'PATCH', `/api/course-content/contents/${work.id}`, {
          title: 'x',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('keeps every attempt when work is returned and handed in again, with the feedback of each', async () => {
    const c = await campus(t);
    const work = await assignment(c, { dueAt: NEXT_WEEK });
    const first = bodyOf<SubmissionBody>(await submit(c, 'ben', work.id, 'Draft answers'), 201);
    expect(first.isLate).toBe(false);
    const returned = bodyOf<SubmissionBody>(
      await call(
        c.school,
        c.as.ines,
        'POST',
        `/api/course-content/submissions/${first.id}/return`,
        {
          feedback: 'Show your working.',
        },
      ),
      200,
    );
    expect(returned).toMatchObject({
      status: 'returned',
      points: null,
      feedback: 'Show your working.',
    });
    const again = bodyOf<SubmissionBody>(await submit(c, 'ben', work.id, 'With working'), 201);
    expect(again).toMatchObject({ id: first.id, status: 'submitted', attempt: 2, feedback: null });
    expect(again.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        body: 'Draft answers',
        feedback: 'Show your working.',
      }),
      expect.objectContaining({ attempt: 2, body: 'With working', feedback: null }),
    ]);
    const byStatus = (status: string) =>
      call(c.school, c.as.ines, 'GET', `/api/course-content/submissions?status=${status}`).then(
        (response) => bodyOf<Page<SubmissionBody>>(response, 200).meta.total,
      );
    expect([
      await byStatus('submitted'),
      await byStatus('returned'),
      await byStatus('graded'),
    ]).toEqual([1, 0, 0]);
  });

  it('keeps a student of another section from seeing or handing in, and a student from seeing others’ work', async () => {
    const c = await campus(t);
    const work = await assignment(c);
    const anas = bodyOf<SubmissionBody>(await submit(c, 'ana', work.id), 201);

    const cleoSees = bodyOf<Page<ContentBody>>(
      await call(c.school, c.as.cleo, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(cleoSees.meta.total).toBe(0);
    expect(
      (await call(c.school, c.as.cleo, 'GET', `/api/course-content/contents/${work.id}`))
        .statusCode,
    ).toBe(404);
    const handIn = await submit(c, 'cleo', work.id);
    expect(handIn.statusCode).toBe(403);
    expect(handIn.json().error.code).toBe('FORBIDDEN');

    for (const who of ['cleo', 'ben'] as const) {
      expect(
        (await call(c.school, c.as[who], 'GET', `/api/course-content/submissions/${anas.id}`))
          .statusCode,
      ).toBe(404);
      const theirs = bodyOf<Page<SubmissionBody>>(
        await call(c.school, c.as[who], 'GET', '/api/course-content/submissions'),
        200,
      );
      expect(theirs.meta.total).toBe(0);
    }
    // Filtering by another student's id shows nothing more.
    const peek = bodyOf<Page<SubmissionBody>>(
      await call(
        c.school,
        c.as.ben,
        'GET',
        `/api/course-content/submissions?studentId=${c.ids.ana}`,
      ),
      200,
    );
    expect(peek.data).toEqual([]);
    const gwenPeek = bodyOf<Page<ContentBody>>(
      await call(
        c.school,
        c.as.gwen,
        'GET',
        `/api/course-content/contents?studentId=${c.ids.cleo}`,
      ),
      200,
    );
    expect(gwenPeek.data).toEqual([]);
    // An unpublished assignment takes no work even from its own section.
    const draft = await assignment(c, { isPublished: false });
    expect((await submit(c, 'ana', draft.id)).statusCode).toBe(403);
  });

  it('lets only the instructors of a section publish, change and grade there (403 for another section’s)', async () => {
    const c = await campus(t);
    const work = await assignment(c);
    const anas = bodyOf<SubmissionBody>(await submit(c, 'ana', work.id), 201);

    const grade = await call(
      c.school,
      c.as.otto,
      'POST',
      `/api/course-content/submissions/${anas.id}/grade`,
      { points: 10 },
    );
    expect(grade.statusCode).toBe(403);
    expect(grade.json().error.code).toBe('FORBIDDEN');
    expect(
      (
        await call(
          c.school,
          c.as.otto,
          'POST',
          `/api/course-content/submissions/${anas.id}/return`,
          { feedback: 'x' },
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call(c.school, c.as.otto, 'PATCH', `/api/course-content/contents/${work.id}`, {
          title: 'Mine now',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await call(c.school, c.as.otto, 'DELETE', `/api/course-content/contents/${work.id}`))
        .statusCode,
    ).toBe(403);
    const publish = await call(c.school, c.as.otto, 'POST', '/api/course-content/contents', {
      sectionId: c.sectionA.id,
      subjectId: c.subject.id,
      kind: 'note',
      title: 'Not my class',
      body: '',
    });
    expect(publish.statusCode).toBe(403);
    const ottoSees = bodyOf<Page<ContentBody>>(
      await call(c.school, c.as.otto, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(ottoSees.meta.total).toBe(0);
    const ottoQueue = bodyOf<Page<SubmissionBody>>(
      await call(c.school, c.as.otto, 'GET', '/api/course-content/submissions'),
      200,
    );
    expect(ottoQueue.meta.total).toBe(0);
    // Holding coursework.grade is not enough: the Owner does not teach 7A either.
    expect(
      (
        await call(c.school, c.owner, 'POST', `/api/course-content/submissions/${anas.id}/grade`, {
          points: 10,
        })
      ).statusCode,
    ).toBe(403);
    // The Owner oversees: reads everything.
    expect(
      bodyOf<Page<SubmissionBody>>(
        await call(c.school, c.owner, 'GET', '/api/course-content/submissions'),
        200,
      ).meta.total,
    ).toBe(1);

    // A homeroom instructor may grade in their section, whatever the subject.
    bodyOf(
      await call(c.school, c.owner, 'PATCH', `/api/academics/sections/${c.sectionA.id}`, {
        homeroomInstructorId: c.ids.otto,
      }),
      200,
    );
    expect(
      bodyOf<SubmissionBody>(
        await call(
          c.school,
          c.as.otto,
          'POST',
          `/api/course-content/submissions/${anas.id}/grade`,
          { points: 10 },
        ),
        200,
      ).gradedBy?.id,
    ).toBe(c.ids.otto);
    const edited = bodyOf<ContentBody>(
      await call(c.school, c.as.ines, 'PATCH', `/api/course-content/contents/${work.id}`, {
        title: 'Fractions, worksheet 3 (corrected)',
      }),
      200,
    );
    expect(edited.title).toBe('Fractions, worksheet 3 (corrected)');
  });

  it("answers 404 to another school's owner for every id of this school", async () => {
    const c = await campus(t);
    const work = await assignment(c);
    const anas = bodyOf<SubmissionBody>(await submit(c, 'ana', work.id), 201);
    const other = await registerSchool(t.app);
    const intruder = await signIn(t.app, other.host, other.ownerUsername);
    const tries: Array<[Parameters<typeof call>[2], string, object?]> = [
      ['GET', `/api/academics/programs/${c.program.id}`],
      ['PATCH', `/api/academics/programs/${c.program.id}`, { name: 'Taken over' }],
      ['DELETE', `/api/academics/programs/${c.program.id}`],
      ['GET', `/api/academics/academic-levels/${c.level.id}`],
      ['PATCH', `/api/academics/academic-levels/${c.level.id}`, { position: 1 }],
      ['DELETE', `/api/academics/academic-levels/${c.level.id}`],
      ['GET', `/api/academics/sections/${c.sectionA.id}`],
      ['PATCH', `/api/academics/sections/${c.sectionA.id}`, { capacity: 99 }],
      ['DELETE', `/api/academics/sections/${c.sectionA.id}`],
      ['POST', `/api/academics/sections/${c.sectionA.id}/students`, { studentIds: [c.ids.cleo] }],
      ['DELETE', `/api/academics/sections/${c.sectionA.id}/students/${c.ids.ana}`],
      ['GET', `/api/academics/sections/${c.sectionA.id}/teaching`],
      [
        'POST',
        `/api/academics/sections/${c.sectionA.id}/teaching`,
        { subjectId: c.subject.id, instructorId: c.ids.otto },
      ],
      ['GET', `/api/academics/subjects/${c.subject.id}`],
      ['PATCH', `/api/academics/subjects/${c.subject.id}`, { name: 'Taken over' }],
      ['DELETE', `/api/academics/subjects/${c.subject.id}`],
      ['GET', `/api/course-content/contents/${work.id}`],
      ['PATCH', `/api/course-content/contents/${work.id}`, { title: 'Taken over' }],
      ['DELETE', `/api/course-content/contents/${work.id}`],
      ['GET', `/api/course-content/submissions/${anas.id}`],
      ['POST', `/api/course-content/submissions/${anas.id}/grade`, { points: 1 }],
      ['POST', `/api/course-content/submissions/${anas.id}/return`, { feedback: 'x' }],
      ['POST', '/api/course-content/submissions', { contentId: work.id, body: 'x' }],
    ];
    for (const [method, url, payload] of tries) {
      const response = await call(other, intruder, method, url, payload);
      // The owner of the other school holds every permission, but is not a student there.
      const expected = url === '/api/course-content/submissions' ? 403 : 404;
      expect({ method, url, status: response.statusCode }).toEqual({
        method,
        url,
        status: expected,
      });
    }
    for (const url of [
      '/api/academics/programs',
      '/api/academics/academic-levels',
      '/api/academics/sections',
      '/api/academics/subjects',
      '/api/course-content/contents',
      '/api/course-content/submissions',
      `/api/students?sectionId=${c.sectionA.id}`,
    ]) {
      expect({
        url,
        total: bodyOf<Page<unknown>>(await call(other, intruder, 'GET', url), 200).meta.total,
      }).toEqual({ url, total: 0 });
    }
    // Nothing changed at home.
    expect(
      bodyOf(await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionA.id}`), 200),
    ).toMatchObject({ capacity: 2, enrolledCount: 2 });
    expect(
      bodyOf<SubmissionBody>(
        await call(c.school, c.as.ana, 'GET', `/api/course-content/submissions/${anas.id}`),
        200,
      ).status,
    ).toBe('submitted');
  });

  it('refuses to delete what is in use with 409 IN_USE naming the users, and deletes once freed', async () => {
    const c = await campus(t);
    const work = await assignment(c);
    await submit(c, 'ana', work.id);
    const remove = (url: string) => call(c.school, c.owner, 'DELETE', url);
    const sectionA = await remove(`/api/academics/sections/${c.sectionA.id}`);
    expect(sectionA.statusCode).toBe(409);
    expect(sectionA.json().error).toMatchObject({
      code: 'IN_USE',
      details: { students: 2, contents: 1 },
    });
    expect(sectionA.json().error.message).toContain('2 students');
    expect((await remove(`/api/academics/programs/${c.program.id}`)).json().error).toMatchObject({
      code: 'IN_USE',
      details: { academicLevels: 1 },
    });
    expect(
      (await remove(`/api/academics/academic-levels/${c.level.id}`)).json().error.details,
    ).toEqual({ sections: 2, subjects: 1 });
    expect((await remove(`/api/academics/subjects/${c.subject.id}`)).json().error.details).toEqual({
      teachingAssignments: 2,
      contents: 1,
    });
    expect(
      (await call(c.school, c.as.ines, 'DELETE', `/api/course-content/contents/${work.id}`)).json()
        .error,
    ).toMatchObject({
      code: 'IN_USE',
      details: { submissions: 1 },
    });

    // 7B: withdraw Cleo; its teaching assignment goes with the section.
    expect(
      (await remove(`/api/academics/sections/${c.sectionB.id}/students/${c.ids.cleo}`)).statusCode,
    ).toBe(204);
    expect(
      (await remove(`/api/academics/sections/${c.sectionB.id}/students/${c.ids.cleo}`)).json().error
        .code,
    ).toBe('ENROLMENT_NOT_FOUND');
    expect((await remove(`/api/academics/sections/${c.sectionB.id}`)).statusCode).toBe(204);
    expect(
      (await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionB.id}`)).statusCode,
    ).toBe(404);
    expect((await remove(`/api/academics/subjects/${c.subject.id}`)).json().error.details).toEqual({
      teachingAssignments: 1,
      contents: 1,
    });
  });

  it('enrols within capacity, all or nothing', async () => {
    const c = await campus(t);
    const enrol = (studentIds: string[]) =>
      call(c.school, c.owner, 'POST', `/api/academics/sections/${c.sectionA.id}/students`, {
        studentIds,
      });
    const full = await enrol([c.ids.cleo]);
    expect(full.statusCode).toBe(409);
    expect(full.json().error).toMatchObject({
      code: 'SECTION_FULL',
      details: { capacity: 2, enrolled: 2, adding: 1 },
    });
    expect(bodyOf(await enrol([c.ids.ana]), 200)).toMatchObject({
      added: [],
      alreadyEnrolled: [c.ids.ana],
      enrolledCount: 2,
    });
    const unknown = '00000000-0000-4000-8000-000000000042';
    const missing = await enrol([unknown]);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({
      code: 'STUDENT_NOT_FOUND',
      details: { studentIds: [unknown] },
    });
    const shrink = await call(
      c.school,
      c.owner,
      'PATCH',
      `/api/academics/sections/${c.sectionA.id}`,
      { capacity: 1 },
    );
    expect(shrink.json().error).toMatchObject({
      code: 'CAPACITY_BELOW_ENROLMENT',
      details: { enrolled: 2 },
    });

    bodyOf(
      await call(c.school, c.owner, 'PATCH', `/api/academics/sections/${c.sectionA.id}`, {
        capacity: 3,
      }),
      200,
    );
    await call(c.school, c.owner, 'PATCH', `/api/students/${c.ids.cleo}`, { status: 'suspended' });
    expect((await enrol([c.ids.cleo])).json().error.code).toBe('STUDENT_NOT_ACTIVE');
    await call(c.school, c.owner, 'PATCH', `/api/students/${c.ids.cleo}`, { status: 'active' });
    expect(bodyOf(await enrol([c.ids.cleo, c.ids.ben]), 200)).toMatchObject({
      added: [c.ids.cleo],
      alreadyEnrolled: [c.ids.ben],
      enrolledCount: 3,
    });
    // Cleo is in both sections now and sees the published content of 7A.
    const work = await assignment(c);
    const seen = bodyOf<Page<ContentBody>>(
      await call(c.school, c.as.cleo, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(seen.data.map((content) => content.id)).toEqual([work.id]);
  });
});
