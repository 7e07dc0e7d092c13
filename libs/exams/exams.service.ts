import { Injectable } from '@nestjs/common';
import { inUse, patchOf } from '@schoolyard/common';
import {
  type CreateExamDto,
  type ExamListQuery,
  type ExamPage,
  type ExamStatus,
  type ExamView,
  type UpdateExamDto,
} from './dto/exams.dto';
import {
  badExamInput,
  examHasNoPapers,
  examOutsideTerm,
  examStatus,
  examThingNotFound,
  papersOutsideExam,
} from './exams.errors';
import { type Dates, EXAM_FIELDS, ExamsRepository } from './exams.repository';
import { GradingScalesRepository } from './grading-scales.repository';

/** The statuses an exam may be deleted or have its dates changed in: nothing is sat yet. */
const PLANNING: readonly ExamStatus[] = ['draft', 'scheduled'];

/** Each change of status this part makes: from which status, to which. */
const TRANSITIONS = {
  schedule: { from: 'draft', to: 'scheduled' },
  startMarking: { from: 'scheduled', to: 'marking' },
  lock: { from: 'published', to: 'locked' },
} as const satisfies Record<string, { from: ExamStatus; to: ExamStatus }>;

export type ExamTransition = keyof typeof TRANSITIONS;

/**
 * Exams of a term, for some academic levels, and their life: draft → scheduled (it has
 * papers) → marking → published → locked. Publishing and reopening are the results' part.
 */
@Injectable()
export class ExamsService {
  constructor(
    private readonly exams: ExamsRepository,
    private readonly scales: GradingScalesRepository,
  ) {}

  list(query: ExamListQuery): Promise<ExamPage> {
    return this.exams.list(query);
  }

  get(id: string): Promise<ExamView> {
    return this.exams.find(id);
  }

  async create(exam: CreateExamDto): Promise<ExamView> {
    const levelIds = exam.levelIds ?? [];
    const programIds = exam.programIds ?? [];
    if (levelIds.length === 0 && programIds.length === 0) {
      throw badExamInput('levelIds', 'name at least one academic level or program');
    }
    const dates = { startsOn: exam.startsOn ?? null, endsOn: exam.endsOn ?? null };
    checkOrder(dates.startsOn, dates.endsOn);
    const term = await this.exams.termDates(exam.termId);
    checkWithin(dates, term);
    if (exam.gradingScaleId) await this.scales.lock(exam.gradingScaleId, 'FOR KEY SHARE');

    const missingLevels = await this.exams.missing('academic_levels', levelIds);
    if (missingLevels.length) throw examThingNotFound('academic level', missingLevels)();
    const missingPrograms = await this.exams.missing('programs', programIds);
    if (missingPrograms.length) throw examThingNotFound('program', missingPrograms)();
    // A program is taken as the levels it holds now: a level added later is not in the exam.
    const levels = await this.exams.levelsOf(levelIds, programIds);
    if (levels.length === 0) {
      throw badExamInput('programIds', 'these programs hold no academic levels yet');
    }
    const id = await this.exams.insert({
      termId: exam.termId,
      name: exam.name,
      gradingScaleId: exam.gradingScaleId ?? null,
      ...dates,
      levelIds: levels,
    });
    return this.exams.find(id);
  }

  /**
   * Renames at any time; the scale until the exam is published (results are graded then);
   * the dates while nothing is sat yet, and only around the papers already set.
   */
  async update(id: string, changes: UpdateExamDto): Promise<ExamView> {
    const plan = patchOf(changes, EXAM_FIELDS, ['name']);
    const held = await this.exams.hold(id, 'FOR UPDATE');
    if (changes.gradingScaleId !== undefined && ['published', 'locked'].includes(held.status)) {
      throw examStatus(held.status, ['draft', 'scheduled', 'marking']);
    }
    if (changes.startsOn !== undefined || changes.endsOn !== undefined) {
      if (!PLANNING.includes(held.status)) throw examStatus(held.status, PLANNING);
      const dates = {
        startsOn: changes.startsOn === undefined ? held.startsOn : changes.startsOn,
        endsOn: changes.endsOn === undefined ? held.endsOn : changes.endsOn,
      };
      checkOrder(dates.startsOn, dates.endsOn);
      checkWithin(dates, { startsOn: held.termStartsOn, endsOn: held.termEndsOn });
      const outside = await this.exams.papersOutside(id, dates.startsOn, dates.endsOn);
      if (outside.length) throw papersOutsideExam(outside);
    }
    if (changes.gradingScaleId) await this.scales.lock(changes.gradingScaleId, 'FOR KEY SHARE');
    await this.exams.update(id, plan);
    return this.exams.find(id);
  }

  /** Only before anything is sat, and never once a mark is entered. */
  async remove(id: string): Promise<void> {
    const held = await this.exams.hold(id, 'FOR UPDATE');
    if (!PLANNING.includes(held.status)) throw examStatus(held.status, PLANNING);
    const marks = await this.exams.markCount(id);
    if (marks > 0) throw inUse({ marks });
    await this.exams.delete(id);
  }

  /** One step of the exam's life, under its row's lock so that two steps cannot cross. */
  async transition(id: string, step: ExamTransition): Promise<ExamView> {
    const { from, to } = TRANSITIONS[step];
    const held = await this.exams.hold(id, 'FOR UPDATE');
    if (held.status !== from) throw examStatus(held.status, [from]);
    if (step === 'schedule' && (await this.exams.paperCount(id)) === 0) throw examHasNoPapers();
    await this.exams.setStatus(id, to);
    return this.exams.find(id);
  }
}

function checkOrder(startsOn: string | null, endsOn: string | null): void {
  if (startsOn && endsOn && endsOn < startsOn) {
    throw badExamInput('endsOn', 'endsOn must not be before startsOn');
  }
}

/** 409 EXAM_OUTSIDE_TERM unless each date that is set lies within the term. */
function checkWithin(dates: { startsOn: string | null; endsOn: string | null }, term: Dates): void {
  const outside = [dates.startsOn, dates.endsOn].some(
    (date) => date !== null && (date < term.startsOn || date > term.endsOn),
  );
  if (outside) throw examOutsideTerm(term);
}
