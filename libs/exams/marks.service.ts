import { Injectable } from '@nestjs/common';
import { validationFailed } from '@schoolyard/common';
import {
  type MarkChangeView,
  type MarkEntryDto,
  type ReopenedExamView,
  type SaveMarksDto,
  type SectionMarksView,
} from './dto/marks.dto';
import { type ScopedCaller } from '@schoolyard/rbac';
import {
  examLocked,
  examNotOpenForMarks,
  examNotPublished,
  examPublished,
  marksAboveMaximum,
  notFound,
  notTeachingSubject,
  sectionNotSitting,
  studentsNotInSection,
} from './marks.errors';
import { MarksRepository, type PaperForMarks } from './marks.repository';

/** Exam statuses in which marks may be entered. */
const OPEN_FOR_MARKS = new Set(['scheduled', 'marking']);

/**
 * Marks of exam papers: who enters them (an instructor teaching the paper's subject in the
 * section, or the exams office), when (scheduled or marking), the history kept once an exam
 * has been published, and reopening a published exam. The caller is an argument, so a command
 * can enter marks acting as a given person.
 */
@Injectable()
export class MarksService {
  constructor(private readonly marks: MarksRepository) {}

  /**
   * Saves one section's entries, all or nothing. The paper row is locked first, so two saves
   * of one paper run one after the other and each reads the values the other left (which the
   * history records as the old values). Students not named keep their entries.
   */
  async save(caller: ScopedCaller, paperId: string, body: SaveMarksDto): Promise<SectionMarksView> {
    checkEntries(body.marks);
    const paper = await this.marks.paper(paperId, body.sectionId, caller, {
      lock: true,
      studentIds: body.marks.map((entry) => entry.studentId),
    });
    mayReach(caller, paper, 'enter');
    if (paper.examStatus === 'published' || paper.examStatus === 'locked') {
      throw examPublished(paper.examStatus);
    }
    if (!OPEN_FOR_MARKS.has(paper.examStatus)) throw examNotOpenForMarks(paper.examStatus);
    if (!paper.sectionSits) throw sectionNotSitting();
    body.marks.forEach((entry, i) => {
      if (typeof entry.marks === 'number' && entry.marks > paper.maxMarks) {
        throw marksAboveMaximum(`marks.${i}.marks`, paper.maxMarks);
      }
    });
    if (paper.keepsHistory && body.reason === undefined) {
      throw validationFailed([
        { field: 'reason', problems: ['reason is required: this exam has been published before'] },
      ]);
    }
    if (paper.outsiders.length) throw studentsNotInSection(paper.outsiders);
    await this.marks.save(
      paperId,
      body.marks,
      paper.callerProfileId,
      paper.keepsHistory ? body.reason! : null,
    );
    return this.marks.sectionMarks(paperId, body.sectionId);
  }

  /** The section's marks sheet: an instructor's for sections they teach the subject in. */
  async read(caller: ScopedCaller, paperId: string, sectionId: string): Promise<SectionMarksView> {
    const paper = await this.marks.paper(paperId, sectionId, caller, {
      lock: false,
      studentIds: [],
    });
    mayReach(caller, paper, 'read');
    if (!paper.sectionSits) throw sectionNotSitting();
    return this.marks.sectionMarks(paperId, sectionId);
  }

  /** The paper's mark changes, newest first: the office's, or its instructors' for their students. */
  async history(
    caller: ScopedCaller,
    paperId: string,
    studentId: string | undefined,
  ): Promise<MarkChangeView[]> {
    const changes = await this.marks.history(paperId, caller, studentId ?? null);
    if (!changes) throw notFound('paper')();
    return changes;
  }

  /**
   * Published → marking, so marks can be corrected; the exam stays "published before", so
   * every change from now on needs a reason and is kept. A locked exam is final.
   */
  async reopen(caller: ScopedCaller, examId: string, reason: string): Promise<ReopenedExamView> {
    const exam = await this.marks.lockExam(examId);
    if (!exam) throw notFound('exam')();
    if (exam.status === 'locked') throw examLocked();
    if (exam.status !== 'published') throw examNotPublished(exam.status);
    return this.marks.reopen(examId, caller, reason);
  }
}

/**
 * The paper exists, the section exists, and the caller teaches the subject there (or is the
 * office). Entering refuses a non-teacher with 403; reading answers 404, as for a section out
 * of reach.
 */
function mayReach(
  caller: ScopedCaller,
  paper: PaperForMarks | undefined,
  purpose: 'enter' | 'read',
): asserts paper is PaperForMarks {
  if (!paper) throw notFound('paper')();
  if (!paper.sectionFound) throw notFound('section')();
  if (caller.reachesAll || paper.teaches) return;
  throw purpose === 'enter' ? notTeachingSubject() : notFound('section')();
}

/** Each entry is a mark or an absence: both or neither is refused, naming the entry. */
function checkEntries(entries: MarkEntryDto[]): void {
  entries.forEach((entry, i) => {
    const absent = entry.absent === true;
    // JSON null is "not sent", as a client echoing a sheet row of an absent student sends it.
    const hasMarks = entry.marks !== undefined && entry.marks !== null;
    if (absent && hasMarks) {
      throw validationFailed([
        { field: `marks.${i}`, problems: ['send either marks or absent: true, not both'] },
      ]);
    }
    if (!absent && !hasMarks) {
      throw validationFailed([
        {
          field: `marks.${i}`,
          problems: ['send marks, or absent: true for a student who did not sit'],
        },
      ]);
    }
  });
}
