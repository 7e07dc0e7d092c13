import { Injectable } from '@nestjs/common';
import { inUse, nothingToChange } from '@schoolyard/common';
import {
  type CreatePaperDto,
  type PaperList,
  type PaperListQuery,
  type PaperView,
  type UpdatePaperDto,
} from './dto/papers.dto';
import {
  badExamInput,
  examClash,
  examStatus,
  examThingNotFound,
  levelNotInExam,
  paperOutsideDates,
  sectionOfAnotherLevel,
  subjectOfAnotherLevel,
} from './exams.errors';
import { type HeldExam, ExamsRepository } from './exams.repository';
import { type PaperPlan, PapersRepository } from './papers.repository';

/** Papers are set while the timetable is still being made: draft or scheduled. */
const PLANNING = ['draft', 'scheduled'] as const;

/**
 * The papers of an exam. Every write holds the exam's row (FOR SHARE: its status and dates
 * stay put) and then the papers' write lock, so the clash check and the write are one step
 * that no other paper write can cross.
 */
@Injectable()
export class PapersService {
  constructor(
    private readonly papers: PapersRepository,
    private readonly exams: ExamsRepository,
  ) {}

  async list(examId: string, query: PaperListQuery): Promise<PaperList> {
    await this.exams.find(examId);
    return { data: await this.papers.ofExam(examId, query) };
  }

  get(id: string): Promise<PaperView> {
    return this.papers.find(id);
  }

  async create(examId: string, paper: CreatePaperDto): Promise<PaperView> {
    const exam = await this.heldForPapers(examId);
    const plan: PaperPlan = {
      subjectId: paper.subjectId,
      levelId: paper.levelId,
      sectionId: paper.sectionId ?? null,
      sitsOn: paper.sitsOn,
      startsAt: paper.startsAt,
      durationMinutes: paper.durationMinutes,
      maxMarks: paper.maxMarks,
      passMarks: paper.passMarks,
      room: paper.room ?? null,
      invigilatorId: paper.invigilatorId ?? null,
    };
    await this.check(exam, plan, null);
    return this.papers.find(await this.papers.insert(examId, plan));
  }

  async update(id: string, changes: UpdatePaperDto): Promise<PaperView> {
    if (Object.values(changes).every((value) => value === undefined)) throw nothingToChange();
    const { examId } = await this.papers.plan(id);
    const exam = await this.heldForPapers(examId);
    // Read again under the exam's lock: every paper write holds it.
    const plan = merged(await this.papers.plan(id), changes);
    await this.check(exam, plan, id);
    await this.papers.update(id, plan);
    return this.papers.find(id);
  }

  /** Only while the timetable is being made, and never once a mark is entered. */
  async remove(id: string): Promise<void> {
    const { examId } = await this.papers.plan(id);
    await this.heldForPapers(examId);
    const marks = await this.papers.markCount(id);
    if (marks > 0) throw inUse({ marks });
    await this.papers.delete(id);
  }

  private async heldForPapers(examId: string): Promise<HeldExam> {
    const exam = await this.exams.hold(examId, 'FOR SHARE');
    if (!(PLANNING as readonly string[]).includes(exam.status)) {
      throw examStatus(exam.status, PLANNING);
    }
    return exam;
  }

  /** Every rule of a paper, the clash last, under the papers' write lock. */
  private async check(exam: HeldExam, plan: PaperPlan, except: string | null): Promise<void> {
    if (plan.passMarks > plan.maxMarks) {
      throw badExamInput('passMarks', 'passMarks must not be above maxMarks');
    }
    const refs = await this.papers.refs(exam.id, plan);
    if (!refs.levelExists) throw examThingNotFound('academic level')();
    if (!refs.levelInExam) throw levelNotInExam();
    if (!refs.subjectExists) throw examThingNotFound('subject')();
    if (refs.subjectLevelId !== null && refs.subjectLevelId !== plan.levelId) {
      throw subjectOfAnotherLevel();
    }
    if (plan.sectionId !== null) {
      if (refs.sectionLevelId === null) throw examThingNotFound('section')();
      if (refs.sectionLevelId !== plan.levelId) throw sectionOfAnotherLevel();
    }
    if (!refs.invigilatorExists) throw examThingNotFound('invigilator')();

    const from = maxDate(exam.termStartsOn, exam.startsOn);
    const to = minDate(exam.termEndsOn, exam.endsOn);
    if (plan.sitsOn < from || plan.sitsOn > to) {
      throw paperOutsideDates({ startsOn: from, endsOn: to });
    }

    await this.papers.lockForWriting();
    const clashes = await this.papers.clashes(plan, except);
    if (clashes.length) throw examClash(clashes);
  }
}

const PAPER_FIELDS = [
  'subjectId',
  'levelId',
  'sectionId',
  'sitsOn',
  'startsAt',
  'durationMinutes',
  'maxMarks',
  'passMarks',
  'room',
  'invigilatorId',
] as const satisfies ReadonlyArray<keyof PaperPlan>;

/** The stored paper with the fields a PATCH sends; null clears only what may be empty. */
function merged(stored: PaperPlan, changes: UpdatePaperDto): PaperPlan {
  const plan = Object.fromEntries(
    PAPER_FIELDS.map((field) => [
      field,
      changes[field] === undefined ? stored[field] : changes[field],
    ]),
  ) as unknown as PaperPlan;
  for (const field of ['subjectId', 'levelId', 'sitsOn', 'startsAt'] as const) {
    if ((plan[field] as string | null) === null)
      throw badExamInput(field, `${field} cannot be cleared`);
  }
  for (const field of ['durationMinutes', 'maxMarks', 'passMarks'] as const) {
    if ((plan[field] as number | null) === null)
      throw badExamInput(field, `${field} cannot be cleared`);
  }
  return plan;
}

const maxDate = (a: string, b: string | null) => (b !== null && b > a ? b : a);
const minDate = (a: string, b: string | null) => (b !== null && b < a ? b : a);
