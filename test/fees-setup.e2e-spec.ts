import { bodyOf, caller, type Method } from './support/caller';
import { type FeesCampus, feesCampus } from './support/fees';
import { inSchema } from './support/school-year';
import {
  addMember,
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

interface Head {
  id: string;
  name: string;
  description: string | null;
}
interface Line {
  headId: string;
  headName: string;
  amountMinor: number;
  schedule: string;
  dueDay: number;
}
interface Structure {
  id: string;
  name: string;
  academicYearId: string;
  level: { id: string; name: string } | null;
  program: { id: string; name: string } | null;
  currency: string;
  lines: Line[];
}
interface Concession {
  id: string;
  studentId: string;
  head: { id: string; name: string } | null;
  percent: number | null;
  amountMinor: number | null;
  reason: string;
  approvedBy: { id: string; name: string } | null;
}
interface Rule {
  id: string;
  name: string;
  graceDays: number;
  amountMinor: number | null;
  percent: number | null;
  active: boolean;
}
interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';

/**
 * Fee setup through HTTP: the currency, heads, structures, concessions and late fine rules,
 * their refusals, that editing a structure leaves a written invoice alone, and that another
 * school, a caller without the permission and an anonymous caller reach none of it.
 */
describe('Fees: setup', () => {
  let t: TestApp;
  let c: FeesCampus;
  let other: RegisteredSchool;
  let otherOwner: SignedIn;
  const call = caller(() => t);

  const send = (who: SignedIn | null, method: Method, url: string, payload?: object) =>
    call(c.school, who, method, url, payload);
  const ok = async <T = Record<string, unknown>>(
    method: Method,
    url: string,
    payload?: object,
    status = method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200,
  ) => (status === 204 ? ({} as T) : bodyOf<T>(await send(c.owner, method, url, payload), status));
  const refused = async (
    method: Method,
    url: string,
    payload: object | undefined,
    status: number,
  ) => bodyOf<ErrorBody>(await send(c.owner, method, url, payload), status).error;
  const sql = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
    inSchema<T>(c.school, text, parameters);

  /** An issued invoice for Ana written as part B would: its lines copied from the structure. */
  const writeInvoice = async (periodKey: string, structureId: string) => {
    const [invoice] = await sql<{ id: string }>(
      `WITH n AS (UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'invoice'
                  RETURNING last_value),
            inv AS (
              INSERT INTO fee_invoices (number, student_id, academic_year_id, structure_id,
                period_key, period_starts_on, period_ends_on, issued_on, due_on, currency,
                total_minor, billed_days, period_days)
              SELECT n.last_value, $1, $2, $3, $4, $5, $5, $5, $5, 'NPR',
                     (SELECT sum(amount_minor) FROM fee_structure_lines WHERE structure_id = $3),
                     1, 1
                FROM n RETURNING id)
       INSERT INTO fee_invoice_lines (invoice_id, kind, head_id, description, amount_minor)
       SELECT inv.id, 'fee', l.head_id, h.name, l.amount_minor
         FROM inv, fee_structure_lines l JOIN fee_heads h ON h.id = l.head_id
        WHERE l.structure_id = $3
       RETURNING invoice_id AS id`,
      [c.ids.ana, c.academicYear.id, structureId, periodKey, c.today],
    );
    return invoice.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await feesCampus(t);
    other = await registerSchool(t.app);
    otherOwner = await signIn(t.app, other.host, other.ownerUsername);
  });
  afterAll(() => t?.close());

  describe('the currency', () => {
    it('is NPR by default and takes another ISO 4217 code while no invoice exists', async () => {
      expect((await ok<{ currency: string }>('GET', '/api/school')).currency).toBe('NPR');
      for (const currency of ['npr', 'NP', 'ABC', 7, null]) {
        const error = await refused('PATCH', '/api/school', { currency }, 400);
        expect(error.code).toBe('VALIDATION_FAILED');
      }
      expect((await ok('PATCH', '/api/school', { currency: 'INR' })).currency).toBe('INR');
      expect((await ok('PATCH', '/api/school', { currency: 'NPR' })).currency).toBe('NPR');
      const heads = await ok<{ data: Structure[] }>('GET', '/api/fees/structures');
      expect(heads.data[0].currency).toBe('NPR');
    });
  });

  describe('fee heads', () => {
    it('lists, adds, renames and deletes heads, names unique whatever their case', async () => {
      const list = await ok<{ data: Head[] }>('GET', '/api/fees/heads');
      expect(list.data.map((head) => head.name)).toEqual(['Admission', 'Exam', 'Tuition']);
      const transport = await ok<Head>('POST', '/api/fees/heads', {
        name: '  Transport ',
        description: 'Bus',
      });
      expect(transport).toMatchObject({ name: 'Transport', description: 'Bus' });
      const taken = await refused('POST', '/api/fees/heads', { name: 'TRANSPORT' }, 409);
      expect(taken.code).toBe('FEE_HEAD_NAME_TAKEN');
      const renamed = await refused(
        'PATCH',
        `/api/fees/heads/${transport.id}`,
        { name: 'exam' },
        409,
      );
      expect(renamed.code).toBe('FEE_HEAD_NAME_TAKEN');
      const changed = await ok<Head>('PATCH', `/api/fees/heads/${transport.id}`, {
        name: 'School bus',
        description: '',
      });
      expect(changed).toMatchObject({ name: 'School bus', description: null });
      expect((await refused('PATCH', `/api/fees/heads/${transport.id}`, {}, 400)).code).toBe(
        'NOTHING_TO_CHANGE',
      );
      for (const payload of [
        { name: null },
        { name: '' },
        { name: 'x'.repeat(121) },
        { extra: 1 },
      ]) {
        const error = await refused('PATCH', `/api/fees/heads/${transport.id}`, payload, 400);
        expect(error.code).toBe('VALIDATION_FAILED');
      }
      expect((await send(c.owner, 'DELETE', `/api/fees/heads/${transport.id}`)).statusCode).toBe(
        204,
      );
      expect(
        (await refused('DELETE', `/api/fees/heads/${transport.id}`, undefined, 404)).code,
      ).toBe('FEE_HEAD_NOT_FOUND');
    });

    it('refuses to delete a head a structure, concession or invoice line names', async () => {
      await ok('POST', '/api/fees/concessions', {
        studentId: c.ids.ben,
        academicYearId: c.academicYear.id,
        headId: c.heads.exam,
        percent: 10,
        reason: 'Staff child',
      });
      const error = await refused('DELETE', `/api/fees/heads/${c.heads.exam}`, undefined, 409);
      expect(error).toMatchObject({
        code: 'IN_USE',
        details: { structureLines: 1, concessions: 1 },
      });
    });
  });

  describe('structures', () => {
    const lines = (amountMinor = 400000) => [
      { headId: c.heads.tuition, amountMinor, schedule: 'monthly', dueDay: 5 },
      { headId: c.heads.admission, amountMinor: 900000, schedule: 'once', dueDay: 1 },
    ];

    it('refuses what a structure cannot be', async () => {
      const base = { academicYearId: c.academicYear.id, name: 'Primary fees', lines: lines() };
      const bad: object[] = [
        base,
        { ...base, levelId: c.level.id, programId: c.program.id },
        { ...base, programId: c.program.id, lines: [] },
        { ...base, programId: c.program.id, lines: [...lines(), lines()[0]] },
        { ...base, programId: c.program.id, lines: [{ ...lines()[0], amountMinor: 10.5 }] },
        { ...base, programId: c.program.id, lines: [{ ...lines()[0], amountMinor: 0 }] },
        { ...base, programId: c.program.id, lines: [{ ...lines()[0], dueDay: 29 }] },
        { ...base, programId: c.program.id, lines: [{ ...lines()[0], schedule: 'weekly' }] },
        { ...base, programId: c.program.id, name: ' ' },
      ];
      for (const payload of bad) {
        expect((await refused('POST', '/api/fees/structures', payload, 400)).code).toBe(
          'VALIDATION_FAILED',
        );
      }
      const taken = await refused(
        'POST',
        '/api/fees/structures',
        { ...base, levelId: c.level.id },
        409,
      );
      expect(taken.code).toBe('FEE_STRUCTURE_EXISTS');
      const cases: Array<[object, string]> = [
        [{ ...base, programId: UNKNOWN }, 'PROGRAM_NOT_FOUND'],
        [{ ...base, levelId: UNKNOWN }, 'ACADEMIC_LEVEL_NOT_FOUND'],
        [{ ...base, programId: c.program.id, academicYearId: UNKNOWN }, 'ACADEMIC_YEAR_NOT_FOUND'],
        [
          { ...base, programId: c.program.id, lines: [{ ...lines()[0], headId: UNKNOWN }] },
          'FEE_HEAD_NOT_FOUND',
        ],
      ];
      for (const [payload, code] of cases) {
        expect((await refused('POST', '/api/fees/structures', payload, 404)).code).toBe(code);
      }
    });

    it("sets a program's structure, one a year, and lists a year's structures", async () => {
      const made = await ok<Structure>('POST', '/api/fees/structures', {
        academicYearId: c.academicYear.id,
        name: 'Primary fees',
        programId: c.program.id,
        lines: lines(),
      });
      expect(made).toMatchObject({
        name: 'Primary fees',
        level: null,
        program: { id: c.program.id, name: 'Primary' },
        currency: 'NPR',
        lines: [
          {
            headId: c.heads.admission,
            headName: 'Admission',
            amountMinor: 900000,
            schedule: 'once',
          },
          { headId: c.heads.tuition, headName: 'Tuition', amountMinor: 400000, dueDay: 5 },
        ],
      });
      const again = await refused(
        'POST',
        '/api/fees/structures',
        {
          academicYearId: c.academicYear.id,
          name: 'Again',
          programId: c.program.id,
          lines: lines(),
        },
        409,
      );
      expect(again.code).toBe('FEE_STRUCTURE_EXISTS');
      const list = await ok<{ data: Structure[] }>(
        'GET',
        `/api/fees/structures?academicYearId=${c.academicYear.id}`,
      );
      expect(list.data.map((s) => s.name).sort()).toEqual(['Grade 5 fees', 'Primary fees']);
      const none = await ok<{ data: Structure[] }>(
        'GET',
        `/api/fees/structures?academicYearId=${UNKNOWN}`,
      );
      expect(none.data).toEqual([]);
      expect((await send(c.owner, 'DELETE', `/api/fees/structures/${made.id}`)).statusCode).toBe(
        204,
      );
      expect((await refused('GET', `/api/fees/structures/${made.id}`, undefined, 404)).code).toBe(
        'FEE_STRUCTURE_NOT_FOUND',
      );
    });

    it('replaces name and lines without touching an invoice already written', async () => {
      const invoiceId = await writeInvoice('annual', c.structure.id);
      const before = await sql(
        `SELECT i.total_minor::text AS total, json_agg(json_build_object('head', l.head_id,
                'amount', l.amount_minor, 'description', l.description) ORDER BY l.description) AS lines
           FROM fee_invoices i JOIN fee_invoice_lines l ON l.invoice_id = i.id
          WHERE i.id = $1 GROUP BY i.id`,
        [invoiceId],
      );
      expect(before[0].total).toBe('1650000');

      const replaced = await ok<Structure>('PUT', `/api/fees/structures/${c.structure.id}`, {
        name: 'Grade 5 fees, revised',
        lines: lines(450000),
      });
      expect(replaced.name).toBe('Grade 5 fees, revised');
      expect(replaced.lines.map((l) => [l.headName, l.amountMinor])).toEqual([
        ['Admission', 900000],
        ['Tuition', 450000],
      ]);
      // A bad line leaves the structure as it was: all or nothing.
      const error = await refused(
        'PUT',
        `/api/fees/structures/${c.structure.id}`,
        {
          name: 'Broken',
          lines: [...lines(), { ...lines()[0], headId: UNKNOWN, schedule: 'once' }],
        },
        404,
      );
      expect(error.code).toBe('FEE_HEAD_NOT_FOUND');
      expect((await ok<Structure>('GET', `/api/fees/structures/${c.structure.id}`)).name).toBe(
        'Grade 5 fees, revised',
      );
      const after = await sql(
        `SELECT i.total_minor::text AS total, json_agg(json_build_object('head', l.head_id,
                'amount', l.amount_minor, 'description', l.description) ORDER BY l.description) AS lines
           FROM fee_invoices i JOIN fee_invoice_lines l ON l.invoice_id = i.id
          WHERE i.id = $1 GROUP BY i.id`,
        [invoiceId],
      );
      expect(after).toEqual(before);

      // With an invoice written, the currency is fixed and the Tuition head stays.
      const fixed = await refused('PATCH', '/api/school', { currency: 'USD' }, 409);
      expect(fixed.code).toBe('CURRENCY_IN_USE');
      expect((await ok('PATCH', '/api/school', { currency: 'NPR' })).currency).toBe('NPR');
      const used = await refused('DELETE', `/api/fees/heads/${c.heads.tuition}`, undefined, 409);
      expect(used).toMatchObject({
        code: 'IN_USE',
        details: { structureLines: 1, invoiceLines: 1 },
      });
    });
  });

  describe('concessions', () => {
    it('grants a share or an amount off, signed by the caller, and withdraws them', async () => {
      const share = await ok<Concession>('POST', '/api/fees/concessions', {
        studentId: c.ids.ana,
        academicYearId: c.academicYear.id,
        percent: 12.5,
        reason: 'Sibling discount',
      });
      const [owner] = await sql<{ id: string }>(`SELECT id FROM profiles WHERE kind = 'owner'`);
      expect(share).toMatchObject({
        studentId: c.ids.ana,
        head: null,
        percent: 12.5,
        amountMinor: null,
        approvedBy: { id: owner.id },
      });
      const amount = await ok<Concession>('POST', '/api/fees/concessions', {
        studentId: c.ids.ana,
        academicYearId: c.academicYear.id,
        headId: c.heads.tuition,
        amountMinor: 100000,
        reason: 'Scholarship',
      });
      expect(amount).toMatchObject({
        head: { name: 'Tuition' },
        amountMinor: 100000,
        percent: null,
      });
      const list = await ok<{ data: Concession[] }>(
        'GET',
        `/api/fees/concessions?studentId=${c.ids.ana}&academicYearId=${c.academicYear.id}`,
      );
      expect(list.data.map((row) => row.id)).toEqual([share.id, amount.id]);
      expect((await send(c.owner, 'DELETE', `/api/fees/concessions/${share.id}`)).statusCode).toBe(
        204,
      );
      expect(
        (await refused('DELETE', `/api/fees/concessions/${share.id}`, undefined, 404)).code,
      ).toBe('CONCESSION_NOT_FOUND');
    });

    it('refuses a concession that is not one', async () => {
      const base = { studentId: c.ids.ana, academicYearId: c.academicYear.id, reason: 'Why' };
      for (const payload of [
        base,
        { ...base, percent: 10, amountMinor: 100 },
        { ...base, amountMinor: 100 },
        { ...base, percent: 0 },
        { ...base, percent: 100.5 },
        { ...base, percent: 10.555 },
        { ...base, percent: 10, reason: '' },
      ]) {
        const error = await refused('POST', '/api/fees/concessions', payload, 400);
        expect(error.code).toBe('VALIDATION_FAILED');
      }
      for (const [payload, code] of [
        [{ ...base, percent: 5, studentId: UNKNOWN }, 'STUDENT_NOT_FOUND'],
        [{ ...base, percent: 5, academicYearId: UNKNOWN }, 'ACADEMIC_YEAR_NOT_FOUND'],
        [{ ...base, percent: 5, headId: UNKNOWN }, 'FEE_HEAD_NOT_FOUND'],
      ] as const) {
        expect((await refused('POST', '/api/fees/concessions', payload, 404)).code).toBe(code);
      }
    });
  });

  describe('late fine rules', () => {
    it('keeps a rule fixed or a share, never both, and keeps one an invoice carries', async () => {
      const rule = await ok<Rule>('POST', '/api/fees/late-fine-rules', {
        name: 'A week late',
        graceDays: 7,
        amountMinor: 50000,
      });
      expect(rule).toMatchObject({ graceDays: 7, amountMinor: 50000, percent: null, active: true });
      for (const payload of [
        { name: 'Both', graceDays: 1, amountMinor: 1, percent: 1 },
        { name: 'Neither', graceDays: 1 },
        { name: 'Too late', graceDays: 366, percent: 1 },
        { name: 'Negative', graceDays: -1, percent: 1 },
      ]) {
        const error = await refused('POST', '/api/fees/late-fine-rules', payload, 400);
        expect(error.code).toBe('VALIDATION_FAILED');
      }
      const share = await ok<Rule>('PATCH', `/api/fees/late-fine-rules/${rule.id}`, {
        percent: 2.5,
      });
      expect(share).toMatchObject({ amountMinor: null, percent: 2.5, name: 'A week late' });
      const both = await refused(
        'PATCH',
        `/api/fees/late-fine-rules/${rule.id}`,
        { percent: 1, amountMinor: 1 },
        400,
      );
      expect(both.code).toBe('VALIDATION_FAILED');

      const invoiceId = await writeInvoice(c.today.slice(0, 7), c.structure.id);
      await sql(
        `INSERT INTO fee_invoice_lines (invoice_id, kind, late_fine_rule_id, description, amount_minor)
         VALUES ($1, 'late_fine', $2, 'Late fine', 1000)`,
        [invoiceId, rule.id],
      );
      const used = await refused('DELETE', `/api/fees/late-fine-rules/${rule.id}`, undefined, 409);
      expect(used).toMatchObject({ code: 'IN_USE', details: { invoiceLines: 1 } });
      const off = await ok<Rule>('PATCH', `/api/fees/late-fine-rules/${rule.id}`, {
        active: false,
      });
      expect(off.active).toBe(false);

      const unused = await ok<Rule>('POST', '/api/fees/late-fine-rules', {
        name: 'A month late',
        graceDays: 30,
        percent: 5,
        active: false,
      });
      const rules = await ok<{ data: Rule[] }>('GET', '/api/fees/late-fine-rules');
      expect(rules.data.map((r) => [r.name, r.active])).toEqual([
        ['A week late', false],
        ['A month late', false],
      ]);
      expect(
        (await send(c.owner, 'DELETE', `/api/fees/late-fine-rules/${unused.id}`)).statusCode,
      ).toBe(204);
    });
  });

  describe('who may', () => {
    const routes = (): Array<[Method, string, object?]> => [
      ['GET', '/api/fees/heads'],
      ['POST', '/api/fees/heads', { name: 'Sneaky' }],
      ['PATCH', `/api/fees/heads/${c.heads.tuition}`, { name: 'Sneaky' }],
      ['DELETE', `/api/fees/heads/${c.heads.admission}`],
      ['GET', '/api/fees/structures'],
      ['GET', `/api/fees/structures/${c.structure.id}`],
      [
        'POST',
        '/api/fees/structures',
        {
          academicYearId: c.academicYear.id,
          name: 'Sneaky',
          programId: c.program.id,
          lines: [{ headId: c.heads.tuition, amountMinor: 1, schedule: 'once', dueDay: 1 }],
        },
      ],
      [
        'PUT',
        `/api/fees/structures/${c.structure.id}`,
        {
          name: 'Sneaky',
          lines: [{ headId: c.heads.tuition, amountMinor: 1, schedule: 'once', dueDay: 1 }],
        },
      ],
      ['DELETE', `/api/fees/structures/${c.structure.id}`],
      ['GET', '/api/fees/concessions'],
      [
        'POST',
        '/api/fees/concessions',
        { studentId: c.ids.ana, academicYearId: c.academicYear.id, percent: 100, reason: 'Me' },
      ],
      ['GET', '/api/fees/late-fine-rules'],
      ['POST', '/api/fees/late-fine-rules', { name: 'Sneaky', graceDays: 1, percent: 1 }],
    ];

    it('answers 401 to an anonymous caller and 403 to one without the fee permissions', async () => {
      for (const [method, url, payload] of routes()) {
        expect([method, url, (await send(null, method, url, payload)).statusCode]).toEqual([
          method,
          url,
          401,
        ]);
        for (const who of [c.as.ines, c.as.ana, c.as.gwen]) {
          expect([method, url, (await send(who, method, url, payload)).statusCode]).toEqual([
            method,
            url,
            403,
          ]);
        }
      }
      expect((await send(null, 'PATCH', '/api/school', { currency: 'USD' })).statusCode).toBe(401);
      expect((await send(c.as.ines, 'PATCH', '/api/school', { currency: 'USD' })).statusCode).toBe(
        403,
      );
      expect((await ok<Structure>('GET', `/api/fees/structures/${c.structure.id}`)).name).toBe(
        'Grade 5 fees, revised',
      );
    });

    it('lets fees.view read the setup but not change it; a fees.manage holder signs concessions', async () => {
      const member = async (firstName: string, permissions: string[]) => {
        const person = await addMember(t, c.school, { firstName, lastName: 'Office' });
        const role = bodyOf<{ id: string }>(
          await send(c.owner, 'POST', '/api/roles', { name: `${firstName}'s role`, permissions }),
          201,
        );
        const assigned = await send(c.owner, 'POST', `/api/roles/${role.id}/assignments`, {
          userId: person.userId,
        });
        expect(assigned.statusCode).toBe(201);
        return signIn(t.app, c.school.host, person.username, person.password);
      };
      const reader = await member('Rita', ['fees.view']);
      for (const [method, url, payload] of routes()) {
        const response = await send(reader, method, url, payload);
        if (method === 'GET') {
          expect([url, response.statusCode]).toEqual([url, 200]);
        } else {
          expect([method, url, response.statusCode, response.json().error.details]).toEqual([
            method,
            url,
            403,
            { missingPermissions: ['fees.manage'] },
          ]);
        }
      }
      const bursar = await member('Bea', ['fees.view', 'fees.manage']);
      const granted = bodyOf<Concession>(
        await send(bursar, 'POST', '/api/fees/concessions', {
          studentId: c.ids.dev,
          academicYearId: c.academicYear.id,
          percent: 5,
          reason: 'Early payment',
        }),
        201,
      );
      expect(granted.approvedBy?.name).toBe('Bea Office');
    });

    it("shows another school none of it, and lets it touch none of this school's ids", async () => {
      const theirs = (method: Method, url: string, payload?: object) =>
        call(other, otherOwner, method, url, payload);
      expect((await theirs('GET', '/api/fees/heads')).json().data).toEqual([]);
      expect((await theirs('GET', '/api/fees/structures')).json().data).toEqual([]);
      expect((await theirs('GET', '/api/fees/concessions')).json().data).toEqual([]);
      expect((await theirs('GET', '/api/fees/late-fine-rules')).json().data).toEqual([]);
      const [concession] = await sql<{ id: string }>('SELECT id FROM fee_concessions LIMIT 1');
      const [rule] = await sql<{ id: string }>('SELECT id FROM fee_late_fine_rules LIMIT 1');
      const attempts: Array<[Method, string, object?]> = [
        ['PATCH', `/api/fees/heads/${c.heads.admission}`, { name: 'Mine' }],
        ['DELETE', `/api/fees/heads/${c.heads.admission}`],
        ['GET', `/api/fees/structures/${c.structure.id}`],
        [
          'PUT',
          `/api/fees/structures/${c.structure.id}`,
          {
            name: 'Mine',
            lines: [{ headId: c.heads.tuition, amountMinor: 1, schedule: 'once', dueDay: 1 }],
          },
        ],
        ['DELETE', `/api/fees/structures/${c.structure.id}`],
        ['DELETE', `/api/fees/concessions/${concession.id}`],
        ['PATCH', `/api/fees/late-fine-rules/${rule.id}`, { active: true }],
        ['DELETE', `/api/fees/late-fine-rules/${rule.id}`],
        [
          'POST',
          '/api/fees/concessions',
          { studentId: c.ids.ana, academicYearId: c.academicYear.id, percent: 100, reason: 'Mine' },
        ],
      ];
      for (const [method, url, payload] of attempts) {
        expect([method, url, (await theirs(method, url, payload)).statusCode]).toEqual([
          method,
          url,
          404,
        ]);
      }
      const [counts] = await sql<{ heads: number; structures: number; rules: number }>(
        `SELECT (SELECT count(*) FROM fee_heads)::int AS heads,
                (SELECT count(*) FROM fee_structures)::int AS structures,
                (SELECT count(*) FROM fee_late_fine_rules WHERE active)::int AS rules`,
      );
      expect(counts).toEqual({ heads: 3, structures: 1, rules: 0 });
    });
  });
});
