import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import {
  type ClassSummaryView,
  type GradeCountView,
  type OwnResultsView,
  type PublishSummaryView,
  type SectionResultsView,
  type StudentResultView,
  type TopOfSubjectView,
} from './dto/results.dto';
import { type ScopedCaller } from '@schoolyard/rbac';
import { DeliveryQueue } from '@schoolyard/communication';
import { notFound, notInMarking, resultsNotPublished } from './results.errors';
import { type OwnViewpoint, ResultsRepository } from './results.repository';

/** Statuses in which results are shown; a reopened exam is back in marking and hides them. */
const SHOWN = new Set(['published', 'locked']);

/** Publishing an exam's results, and reading them: by section, one's own, one's child's. */
@Injectable()
export class ResultsService {
  constructor(
    private readonly results: ResultsRepository,
    private readonly deliveries: DeliveryQueue,
  ) {}

  /**
   * Marking → published. The exam row stays locked to the end of the transaction; the
   * previous results go and every student's are computed again in one statement, so the
   * cost in statements is the same for 5 students as for 500, and so is telling the students
   * and their guardians (in the same transaction: a failed publication notifies nobody).
   */
  async publish(caller: ScopedCaller, examId: string): Promise<PublishSummaryView> {
    const exam = await this.results.lockExam(examId);
    if (!exam) throw notFound('exam')();
    if (exam.status !== 'marking') throw notInMarking(exam.status);
    const started = performance.now();
    await this.results.clearResults(examId);
    const counts = await this.results.publish(examId, exam.scaleId, caller.userId);
    const notified = await this.results.notifyPublished(examId);
    if (notified.deliveries > 0) this.deliveries.wakeAfterCommit();
    return {
      examId,
      status: 'published',
      publishedAt: new Date(counts.publishedAt).toISOString(),
      students: counts.students,
      sections: counts.sections,
      subjectResults: counts.subjectResults,
      studentsWithoutSection: counts.studentsWithoutSection,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /** A section's ranked results and its class summary; 409 before publication. */
  async section(
    caller: ScopedCaller,
    examId: string,
    sectionId: string,
  ): Promise<SectionResultsView> {
    const header = await this.results.resultsHeader(examId, sectionId, caller);
    if (!header) throw notFound('exam')();
    if (!header.visible) throw notFound('section')();
    if (!SHOWN.has(header.status)) throw resultsNotPublished(header.status);
    const students = await this.results.sectionResults(examId, sectionId);
    return {
      examId,
      examName: header.examName,
      status: header.status,
      publishedAt: new Date(header.publishedAt!).toISOString(),
      section: { id: sectionId, name: header.sectionName! },
      students,
      summary: classSummary(students, header.bands),
    };
  }

  /** The caller's own results (`self`) or their linked child's (`guardian`); 404 otherwise. */
  async own(
    viewpoint: OwnViewpoint,
    caller: ScopedCaller,
    studentId: string | null,
    termId: string | undefined,
  ): Promise<OwnResultsView> {
    const found = await this.results.ownResults(
      viewpoint,
      caller.userId,
      studentId,
      termId ?? null,
    );
    if (!found) throw notFound('student')();
    return found;
  }
}

const round = (value: number, places: number) => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};

/**
 * Mean and median percentage, pass rate, how many fell in each band (every band listed) and
 * the best of each subject among those who sat it (ties all listed).
 */
export function classSummary(
  students: StudentResultView[],
  bands: Array<Omit<GradeCountView, 'count'>>,
): ClassSummaryView {
  const percentages = students.map((student) => student.percentage).sort((a, b) => a - b);
  const middle = Math.floor(percentages.length / 2);
  const median =
    percentages.length === 0
      ? null
      : percentages.length % 2
        ? percentages[middle]
        : (percentages[middle - 1] + percentages[middle]) / 2;
  const passed = students.filter((student) => student.passed).length;
  return {
    students: students.length,
    meanPercentage: percentages.length
      ? round(percentages.reduce((sum, value) => sum + value, 0) / percentages.length, 2)
      : null,
    medianPercentage: median === null ? null : round(median, 2),
    passed,
    passRate: students.length ? round(passed / students.length, 4) : null,
    grades: bands.map((band) => ({
      letter: band.letter,
      minPercent: band.minPercent,
      count: students.filter((student) => student.grade?.letter === band.letter).length,
    })),
    topBySubject: topBySubject(students),
  };
}

function topBySubject(students: StudentResultView[]): TopOfSubjectView[] {
  const best = new Map<string, TopOfSubjectView>();
  for (const student of students) {
    for (const paper of student.subjects) {
      if (paper.absent || paper.percentage === null) continue;
      const who = { studentId: student.studentId, displayName: student.displayName };
      const top = best.get(paper.subject.id);
      if (!top || paper.percentage > top.percentage) {
        best.set(paper.subject.id, {
          subject: paper.subject,
          marks: paper.marks!,
          percentage: paper.percentage,
          students: [who],
        });
      } else if (paper.percentage === top.percentage) {
        top.students.push(who);
      }
    }
  }
  return [...best.values()].sort((a, b) => a.subject.code.localeCompare(b.subject.code));
}
