import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@schoolyard/database';
import { type GenerateInvoicesDto, type GenerationView } from './dto/invoices.dto';
import { feeThingNotFound } from './fees.errors';
import {
  InvoiceGenerationRepository,
  type Period,
  type PlannedStudent,
  type RunScope,
} from './invoice-generation.repository';
import { invoicesChangedMeanwhile, periodOutsideYear } from './invoices.errors';

const NO_STRUCTURE = 'No fee structure for the level or its program this year';
const NOTHING_TO_BILL = 'The fee structure charges nothing for this period';

/** The last day of the month `YYYY-MM`. */
function monthEnd(key: string): string {
  const [year, month] = key.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The period a key names within the year, or a 404/400 when the year has no such period. */
function periodOf(key: string, scope: RunScope): Period {
  if (key === 'annual') {
    return { key, startsOn: scope.yearStartsOn, endsOn: scope.yearEndsOn, schedule: 'once' };
  }
  if (key.startsWith('term:')) {
    if (!scope.term) throw feeThingNotFound('term')();
    return { key, ...scope.term, schedule: 'per_term' };
  }
  const startsOn = `${key}-01`;
  const endsOn = monthEnd(key);
  // A month is billed whole: one cut by the year's first or last day is not the year's.
  if (startsOn < scope.yearStartsOn || endsOn > scope.yearEndsOn) throw periodOutsideYear(key);
  return { key, startsOn, endsOn, schedule: 'monthly' };
}

/**
 * Bills a level (or a section) for one period of a year. The plan is one statement and the
 * write two more (numbers, then invoices with their lines), for 5 students or 1,000; a dry run
 * answers the very plan the real run writes. Students already invoiced for the period get
 * nothing new, so running it twice is harmless.
 */
@Injectable()
export class InvoiceGenerationService {
  constructor(private readonly generation: InvoiceGenerationRepository) {}

  async generate(run: GenerateInvoicesDto, callerUserId: string): Promise<GenerationView> {
    const termId = run.period.startsWith('term:') ? run.period.slice(5) : null;
    const scope = await this.generation.scope(
      run.academicYearId,
      run.levelId ?? null,
      run.sectionId ?? null,
      termId,
    );
    if (!scope) throw feeThingNotFound('academic year')();
    const levelId = this.levelOf(run, scope);
    const period = periodOf(run.period, scope);
    const plan = await this.generation.plan(
      run.academicYearId,
      levelId,
      run.sectionId ?? null,
      period,
    );
    const billed = plan.filter((s) => !s.invoiced && s.structureId && s.lines.length > 0);
    if (!run.dryRun && billed.length > 0) {
      try {
        await this.generation.write(
          run.academicYearId,
          period,
          billed,
          run.asDraft ? 'draft' : 'issued',
          callerUserId,
        );
      } catch (error) {
        // Another run invoiced one of them after the plan was read: this one writes nothing.
        if (isUniqueViolation(error, 'fee_invoices_period_key')) throw invoicesChangedMeanwhile();
        throw error;
      }
    }
    return this.answer(run.dryRun, period, scope.currency, plan, billed);
  }

  private levelOf(run: GenerateInvoicesDto, scope: RunScope): string {
    if (run.sectionId) {
      if (!scope.sectionLevelId || (run.levelId && run.levelId !== scope.sectionLevelId)) {
        throw feeThingNotFound('section')();
      }
      return scope.sectionLevelId;
    }
    if (!scope.levelId) throw feeThingNotFound('academic level')();
    return scope.levelId;
  }

  private answer(
    dryRun: boolean,
    period: Period,
    currency: string,
    plan: PlannedStudent[],
    billed: PlannedStudent[],
  ): GenerationView {
    return {
      dryRun,
      period: { key: period.key, startsOn: period.startsOn, endsOn: period.endsOn },
      currency,
      issued: billed.length,
      totalMinor: billed.reduce((sum, s) => sum + Number(s.totalMinor), 0),
      invoices: billed.map((s) => ({
        studentId: s.studentId,
        studentName: s.studentName,
        admissionNumber: s.admissionNumber,
        totalMinor: Number(s.totalMinor),
        billedDays: s.billedDays,
        periodDays: s.periodDays,
        dueOn: s.dueOn!,
        lines: s.lines,
      })),
      existing: plan.filter((s) => s.invoiced).map((s) => s.studentId),
      skipped: plan
        .filter((s) => !s.invoiced && !(s.structureId && s.lines.length > 0))
        .map((s) => ({
          studentId: s.studentId,
          reason: s.structureId ? NOTHING_TO_BILL : NO_STRUCTURE,
        })),
    };
  }
}
