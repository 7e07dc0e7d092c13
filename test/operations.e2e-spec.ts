import { BODY_LIMIT_BYTES } from '../apps/api/http-app';
import { createTestApp, type TestApp } from './support/test-app';

const errorShape = (code: string) => ({
  error: expect.objectContaining({ code, message: expect.any(String) }),
  requestId: expect.any(String),
});

describe('operations basics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the database as up on /health, whatever the host', async () => {
    for (const host of ['localhost', 'unknown.example.com']) {
      const response = await t.app.inject({ url: '/health', headers: { host } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    }
  });

  it('documents every route in the OpenAPI document and serves the UI', async () => {
    const document = (await t.app.inject({ url: '/docs-json' })).json();
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/academics/academic-levels',
      '/api/academics/academic-levels/{id}',
      '/api/academics/programs',
      '/api/academics/programs/{id}',
      '/api/academics/sections',
      '/api/academics/sections/{id}',
      '/api/academics/sections/{id}/students',
      '/api/academics/sections/{id}/students/{studentId}',
      '/api/academics/sections/{id}/teaching',
      '/api/academics/sections/{id}/teaching/{assignmentId}',
      '/api/academics/subjects',
      '/api/academics/subjects/{id}',
      '/api/announcements',
      '/api/announcements/feed',
      '/api/announcements/{id}',
      '/api/announcements/{id}/read',
      '/api/attendance/absence-notes',
      '/api/attendance/absence-notes/{id}/approve',
      '/api/attendance/absence-notes/{id}/reject',
      '/api/attendance/my-record',
      '/api/attendance/reports/sections/{id}',
      '/api/attendance/sessions',
      '/api/attendance/sessions/{id}',
      '/api/attendance/sessions/{id}/records',
      '/api/attendance/sessions/{id}/unlock',
      '/api/audit-events',
      '/api/auth/accept-link',
      '/api/auth/change-password',
      '/api/auth/email',
      '/api/auth/forgot-password',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/refresh',
      '/api/auth/resend-verification',
      '/api/auth/reset-password',
      '/api/auth/sessions',
      '/api/auth/sessions/{id}',
      '/api/auth/verify-email',
      '/api/billing/plans',
      '/api/billing/subscription',
      '/api/calendar',
      '/api/calendar.ics',
      '/api/calendar/academic-years',
      '/api/calendar/academic-years/{id}',
      '/api/calendar/academic-years/{id}/make-current',
      '/api/calendar/academic-years/{id}/terms',
      '/api/calendar/events',
      '/api/calendar/events/{id}',
      '/api/calendar/terms/{id}',
      '/api/course-content/contents',
      '/api/course-content/contents/{id}',
      '/api/course-content/submissions',
      '/api/course-content/submissions/{id}',
      '/api/course-content/submissions/{id}/grade',
      '/api/course-content/submissions/{id}/return',
      '/api/exams',
      '/api/exams/grading-scales',
      '/api/exams/grading-scales/{id}',
      '/api/exams/grading-scales/{id}/make-default',
      '/api/exams/my-report-card',
      '/api/exams/my-results',
      '/api/exams/papers/{id}',
      '/api/exams/papers/{id}/marks',
      '/api/exams/papers/{id}/marks/history',
      '/api/exams/report-cards/batches',
      '/api/exams/report-cards/batches/{id}',
      '/api/exams/report-cards/batches/{id}/file',
      '/api/exams/weightings/{termId}',
      '/api/exams/{id}',
      '/api/exams/{id}/lock',
      '/api/exams/{id}/papers',
      '/api/exams/{id}/publish',
      '/api/exams/{id}/reopen',
      '/api/exams/{id}/results',
      '/api/exams/{id}/schedule',
      '/api/exams/{id}/start-marking',
      '/api/exports/attendance.csv',
      '/api/exports/fees.csv',
      '/api/exports/guardians.csv',
      '/api/exports/staff.csv',
      '/api/exports/students.csv',
      '/api/fees/concessions',
      '/api/fees/concessions/{id}',
      '/api/fees/credit-notes',
      '/api/fees/esewa/verify',
      '/api/fees/heads',
      '/api/fees/heads/{id}',
      '/api/fees/invoices',
      '/api/fees/invoices/generate',
      '/api/fees/invoices/{id}',
      '/api/fees/invoices/{id}/credit-notes',
      '/api/fees/invoices/{id}/issue',
      '/api/fees/invoices/{id}/payments',
      '/api/fees/invoices/{id}/void',
      '/api/fees/late-fine-rules',
      '/api/fees/late-fine-rules/{id}',
      '/api/fees/late-fines/apply',
      '/api/fees/my-account',
      '/api/fees/online-payments',
      '/api/fees/online-payments/{id}/recheck',
      '/api/fees/receipts',
      '/api/fees/receipts/{id}',
      '/api/fees/refunds',
      '/api/fees/reminders',
      '/api/fees/reports/collections',
      '/api/fees/reports/collections.csv',
      '/api/fees/reports/dues',
      '/api/fees/reports/dues.csv',
      '/api/fees/settings/esewa',
      '/api/fees/structures',
      '/api/fees/structures/{id}',
      '/api/fees/students/{id}/account',
      '/api/fees/students/{id}/refunds',
      '/api/fees/students/{id}/statement',
      '/api/fees/students/{id}/statement.csv',
      '/api/guardians',
      '/api/guardians/credential-distribution',
      '/api/guardians/my-children',
      '/api/guardians/my-children/{id}/absence-notes',
      '/api/guardians/my-children/{id}/attendance',
      '/api/guardians/my-children/{id}/exam-results',
      '/api/guardians/my-children/{id}/fees',
      '/api/guardians/my-children/{id}/fees/invoices/{invoiceId}/esewa',
      '/api/guardians/my-children/{id}/report-card',
      '/api/guardians/portal-activation',
      '/api/guardians/portal-deactivation',
      '/api/guardians/{id}',
      '/api/guardians/{id}/reset-password',
      '/api/guardians/{id}/students',
      '/api/guardians/{id}/students/{studentId}',
      '/api/imports',
      '/api/imports/{id}',
      '/api/messages/threads',
      '/api/messages/threads/{id}',
      '/api/messages/threads/{id}/messages',
      '/api/messages/threads/{id}/read',
      '/api/messages/unread',
      '/api/notifications',
      '/api/notifications/preferences',
      '/api/notifications/read-all',
      '/api/notifications/stream',
      '/api/notifications/{id}/read',
      '/api/organizations',
      '/api/organizations/check-domain',
      '/api/organizations/register',
      '/api/payments',
      '/api/payments/init',
      '/api/payments/verify',
      '/api/payments/{id}',
      '/api/payments/{id}/recheck',
      '/api/roles',
      '/api/roles/permissions',
      '/api/roles/{id}',
      '/api/roles/{id}/assignments',
      '/api/roles/{id}/assignments/{userId}',
      '/api/school',
      '/api/staff',
      '/api/staff/activate-instructor',
      '/api/staff/credential-distribution',
      '/api/staff/onboard-instructor',
      '/api/staff/portal-deactivation',
      '/api/staff/{id}',
      '/api/staff/{id}/reset-password',
      '/api/students',
      '/api/students/credential-distribution',
      '/api/students/enroll',
      '/api/students/portal-activation',
      '/api/students/portal-deactivation',
      '/api/students/{id}',
      '/api/students/{id}/attendance',
      '/api/students/{id}/export',
      '/api/students/{id}/history',
      '/api/students/{id}/report-card',
      '/api/students/{id}/reset-password',
      '/api/students/{id}/sections',
      '/health',
    ]);
    expect(Object.keys(document.paths['/api/school']).sort()).toEqual(['get', 'patch']);
    const ui = await t.app.inject({ url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it("documents each operation's parameters, security and refusals from its @Route", async () => {
    interface Operation {
      parameters?: Array<{ in: string; name: string }>;
      security?: Array<Record<string, string[]>>;
      responses: Record<
        string,
        { content?: { 'application/json'?: { schema?: unknown; examples?: object } } }
      >;
    }
    const document = (await t.app.inject({ url: '/docs-json' })).json();
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'access-cookie',
      'bearer',
    ]);
    const problems: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, Operation>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
        for (const name of inPath) {
          if (!declared.some((p) => p.name === name)) problems.push(`${route}: ${name} undeclared`);
        }
        const refusals = Object.keys(operation.responses).filter((status) => status >= '400');
        if (path !== '/health' && !refusals.some((status) => status < '500')) {
          problems.push(`${route}: no 4xx`);
        }
        for (const status of refusals) {
          const schema = operation.responses[status].content?.['application/json']?.schema;
          if (JSON.stringify(schema) !== '{"$ref":"#/components/schemas/ErrorView"}') {
            problems.push(`${route}: ${status} without the error schema`);
          }
        }
        // A route that checks a token names the schemes that carry one; a public one none.
        const examples = operation.responses['401']?.content?.['application/json']?.examples;
        const checksToken = examples !== undefined && 'INVALID_TOKEN' in examples;
        if (checksToken !== (operation.security !== undefined)) problems.push(`${route}: security`);
      }
    }
    expect(problems).toEqual([]);
    const reset = document.paths['/api/students/{id}/reset-password'].post as Operation;
    expect(reset.security).toEqual([{ bearer: [] }, { 'access-cookie': [] }]);
    expect(Object.keys(reset.responses['404'].content?.['application/json'] ?? {})).toContain(
      'examples',
    );
  });

  it('keeps the error shape for unknown routes and unreadable bodies', async () => {
    const unknown = await t.app.inject({
      url: '/api/nothing-here',
      headers: { host: 'localhost' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual(errorShape('ROUTE_NOT_FOUND'));

    const post = (payload: string, contentType = 'application/json') =>
      t.app.inject({
        method: 'POST',
        url: '/api/organizations/register',
        headers: { host: 'localhost', 'content-type': contentType },
        payload,
      });
    const malformed = await post('{"name": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual(errorShape('BAD_REQUEST'));

    const huge = await post(JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES + 10) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toEqual(errorShape('PAYLOAD_TOO_LARGE'));

    const wrongType = await post('<school/>', 'application/xml');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toEqual(errorShape('UNSUPPORTED_MEDIA_TYPE'));

    const notAnObject = await post('[1, 2, 3]');
    expect(notAnObject.statusCode).toBe(400);
    expect(notAnObject.json()).toEqual(errorShape('VALIDATION_FAILED'));
  });

  it('echoes a well-formed X-Request-Id and replaces a hostile one', async () => {
    const kept = await t.app.inject({
      url: '/api/nothing',
      headers: { 'x-request-id': 'trace-0123456789' },
    });
    expect(kept.json().requestId).toBe('trace-0123456789');
    const replaced = await t.app.inject({
      url: '/api/nothing',
      headers: { 'x-request-id': '<script>' },
    });
    expect(replaced.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
