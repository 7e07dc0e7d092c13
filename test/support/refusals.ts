import { bodyOf, caller, type Method } from './caller';
import { type Campus, campus } from './campus';
import { type TestApp } from './test-app';

/** Who sends a request in a campus: its owner or one of its signed-in people. */
export type CampusMember = keyof Campus['as'] | 'owner';

/**
 * One refused request: who sends it, where, with what, and the status and error code it must
 * get. Ids the table cannot know when it is declared are written `{name}` and filled in from
 * the suite's fixture when the row runs (`withIds`), so the table stays a plain literal whose
 * rows name themselves in the report.
 */
export type RefusalRow = [
  who: CampusMember,
  method: Method,
  url: string,
  payload: object | undefined,
  status: number,
  code: string,
];

/** `value` with every `{name}` in its strings replaced by `ids[name]`; unknown names throw. */
export function withIds<T>(value: T, ids: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') {
    return value.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      const id = ids[name];
      if (id === undefined) throw new Error(`no id named "${name}" in the fixture`);
      return id;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => withIds(item, ids)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withIds(item, ids)]),
    ) as T;
  }
  return value;
}

/** The ids of a campus every table may name: `{program}`, `{sectionA}`, `{ana}`, … */
export function campusIds(c: Campus): Record<string, string> {
  return {
    academicYear: c.academicYear.id,
    program: c.program.id,
    level: c.level.id,
    sectionA: c.sectionA.id,
    sectionB: c.sectionB.id,
    subject: c.subject.id,
    ...c.ids,
    unknown: '00000000-0000-4000-8000-0000000000aa',
  };
}

/**
 * The campus the refusal tables run against: besides the campus, an assignment (work) with one
 * graded submission by Ana, a note, and a level (grade9) with a subject of its own (physics).
 * The rows only send refused requests, so they share it and may run in any order.
 */
export async function refusalFixture(
  t: TestApp,
): Promise<{ c: Campus; ids: Record<string, string> }> {
  const call = caller(t);
  const c = await campus(t);
  const publish = (payload: object) =>
    call(c.school, c.as.ines, 'POST', '/api/course-content/contents', {
      sectionId: c.sectionA.id,
      subjectId: c.subject.id,
      kind: 'assignment',
      title: 'Homework',
      body: 'Do it.',
      maxPoints: 10,
      isPublished: true,
      ...payload,
    });
  const work = bodyOf<{ id: string }>(await publish({}), 201);
  const note = bodyOf<{ id: string }>(await publish({ kind: 'note', maxPoints: undefined }), 201);
  const submission = bodyOf<{ id: string }>(
    await call(c.school, c.as.ana, 'POST', '/api/course-content/submissions', {
      contentId: work.id,
      body: 'Done',
    }),
    201,
  );
  bodyOf(
    await call(
      c.school,
      c.as.ines,
      'POST',
      `/api/course-content/submissions/${submission.id}/grade`,
      { points: 8 },
    ),
    200,
  );
  const grade9 = bodyOf<{ id: string }>(
    await call(c.school, c.owner, 'POST', '/api/academics/academic-levels', {
      programId: c.program.id,
      name: 'Grade 9',
      position: 9,
    }),
    201,
  );
  const physics = bodyOf<{ id: string }>(
    await call(c.school, c.owner, 'POST', '/api/academics/subjects', {
      code: 'PHY-9',
      name: 'Physics',
      levelId: grade9.id,
    }),
    201,
  );
  return {
    c,
    ids: {
      ...campusIds(c),
      work: work.id,
      note: note.id,
      submission: submission.id,
      grade9: grade9.id,
      physics: physics.id,
    },
  };
}

/** Sends `row` as its member of `c` and checks the status and error code it gets. */
export async function expectRefused(
  t: TestApp,
  fixture: { c: Campus; ids: Record<string, string> },
  [who, method, url, payload, status, code]: RefusalRow,
): Promise<void> {
  const { c, ids } = fixture;
  const response = await caller(t)(
    c.school,
    who === 'owner' ? c.owner : c.as[who],
    method,
    withIds(url, ids),
    withIds(payload, ids),
  );
  expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
    status,
    code,
  });
}
