import { Injectable } from '@nestjs/common';
import { type CsvCell, toCsv } from '@schoolyard/common';
import {
  type CollectionsQuery,
  type CollectionsView,
  type DuesQuery,
  type DuesView,
  MAX_REPORT_DAYS,
  type StatementView,
} from './dto/reports.dto';
import { feeThingNotFound } from './fees.errors';
import { printedNumber } from './fees-ledger';
import { ReportsRepository } from './reports.repository';
import { badFeeInput } from './setup.errors';

const PREFIX = { invoice: 'INV', credit_note: 'CN', receipt: 'R', refund: 'RF' } as const;

const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The fee reports (fees.view) and their CSV twins, which carry the same figures. */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  /** Money received per day and method, refunds per day, between two local dates. */
  collections(query: CollectionsQuery): Promise<CollectionsView> {
    const days = daysBetween(query.from, query.to);
    if (days < 0) throw badFeeInput('to', 'to must not be before from');
    if (days + 1 > MAX_REPORT_DAYS) {
      throw badFeeInput('to', `the report covers at most ${MAX_REPORT_DAYS} days`);
    }
    return this.reports.collections(query.from, query.to);
  }

  collectionsCsv(report: CollectionsView): string {
    const rows: CsvCell[][] = [
      ...report.receipts.map((r) => [r.date, 'receipts', r.method, r.count, r.amountMinor]),
      ...report.refunds.map((r) => [r.date, 'refunds', '', r.count, r.amountMinor]),
    ];
    return toCsv(
      ['date', 'kind', 'method', 'count', `amount_minor_${report.currency}`],
      rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  }

  async dues(query: DuesQuery): Promise<DuesView> {
    const row = await this.reports.dues(
      query.on ?? null,
      query.academicYearId ?? null,
      query.levelId ?? null,
      query.sectionId ?? null,
    );
    if (!row.yearFound) throw feeThingNotFound('academic year')();
    if (!row.levelFound) throw feeThingNotFound('academic level')();
    if (!row.sectionFound) throw feeThingNotFound('section')();
    return { on: row.on, currency: row.currency, students: row.students, totals: row.totals };
  }

  duesCsv(report: DuesView): string {
    return toCsv(
      [
        'admission_number',
        'last_name',
        'first_name',
        'section',
        'invoices',
        'not_due',
        'd0_30',
        'd31_60',
        'd61_90',
        'd90_plus',
        `total_minor_${report.currency}`,
      ],
      report.students.map((s) => [
        s.admissionNumber,
        s.lastName,
        s.firstName,
        s.sectionName,
        s.invoices,
        s.agedMinor.notDue,
        s.agedMinor.d0_30,
        s.agedMinor.d31_60,
        s.agedMinor.d61_90,
        s.agedMinor.d90Plus,
        s.totalMinor,
      ]),
    );
  }

  /** 404 for a student (or year) this school does not have. */
  async statement(studentId: string, academicYearId: string | undefined): Promise<StatementView> {
    const row = await this.reports.statement(studentId, academicYearId ?? null);
    if (!row) throw feeThingNotFound('student')();
    if (!row.yearFound) throw feeThingNotFound('academic year')();
    return {
      student: row.student,
      academicYearId: row.academicYearId,
      currency: row.currency,
      entries: row.entries.map((entry) => ({
        ...entry,
        number: printedNumber(PREFIX[entry.kind], String(entry.number)),
      })),
      creditMinor: row.creditMinor,
      balanceMinor: row.balanceMinor,
    };
  }

  statementCsv(statement: StatementView): string {
    return toCsv(
      ['date', 'kind', 'number', 'description', 'debit_minor', 'credit_minor', 'running_minor'],
      statement.entries.map((e) => [
        e.date,
        e.kind,
        e.number,
        e.description,
        e.debitMinor,
        e.creditMinor,
        e.runningBalanceMinor,
      ]),
    );
  }
}
