import { type ScopedCaller } from '@schoolyard/rbac';
import { Injectable } from '@nestjs/common';
import { type ReportCardView } from './dto/report-cards.dto';
import { notFound, reportCardNotReady } from './report-cards.errors';
import { type CardViewpoint, ReportCardsRepository } from './report-cards.repository';

const NO_ATTENDANCE = { registers: 0, present: 0, absent: 0, late: 0, excused: 0, rate: null };

/** A student's term on one page: term grades, exams, attendance, in the school's colours. */
@Injectable()
export class ReportCardsService {
  constructor(private readonly cards: ReportCardsRepository) {}

  /**
   * The card of the student the viewpoint reaches (`studentId` null: the caller's own). A
   * student or guardian reads it only once an exam of the term is published (409 before);
   * staff see the term's progress at any time, with `published` saying where it stands.
   */
  async card(
    viewpoint: CardViewpoint,
    caller: ScopedCaller,
    studentId: string | null,
    termId: string,
  ): Promise<ReportCardView> {
    const reached = await this.cards.reachable(viewpoint, studentId, caller);
    if (!reached) throw notFound('student')();
    const [card] = await this.build(termId, [reached], viewpoint !== 'staff');
    return card;
  }

  /** Every card of the section's roster for the term, in roster order (the batch's file). */
  async ofSection(sectionId: string, termId: string): Promise<ReportCardView[]> {
    const roster = await this.cards.roster(sectionId, termId);
    if (!roster) throw notFound('section')();
    return this.build(termId, roster);
  }

  /**
   * The cards of `studentIds` (in that order) for the term, with a fixed number of
   * statements whatever their number: the batch builds a whole section with it.
   */
  async build(
    termId: string,
    studentIds: string[],
    onlyPublished = false,
  ): Promise<ReportCardView[]> {
    const frame = await this.cards.frame(termId);
    if (!frame) throw notFound('term')();
    if (onlyPublished && !frame.published) throw reportCardNotReady();
    const students = await this.cards.students(termId, studentIds);
    const grades = groupBy(await this.cards.termGrades(termId, studentIds));
    const exams = groupBy(await this.cards.examResults(termId, studentIds));
    const attendance = groupBy(await this.cards.attendance(termId, studentIds));
    return students.map((student) => {
      const subjects = grades.get(student.id) ?? [];
      const first = subjects[0];
      return {
        school: frame.school,
        student,
        term: frame.term,
        subjects: subjects.map(
          ({ studentId: _s, overallPercentage: _p, gpa: _g, overallLetter: _l, ...subject }) =>
            subject,
        ),
        overall: {
          percentage: first?.overallPercentage ?? null,
          gpa: first?.gpa ?? null,
          letter: first?.overallLetter ?? null,
        },
        exams: (exams.get(student.id) ?? []).map(({ studentId: _s, ...exam }) => exam),
        attendance: (({ studentId: _s, ...figures }) => figures)(
          attendance.get(student.id)?.[0] ?? { studentId: student.id, ...NO_ATTENDANCE },
        ),
        published: frame.published,
      };
    });
  }
}

function groupBy<Row extends { studentId: string }>(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.studentId);
    if (group) group.push(row);
    else groups.set(row.studentId, [row]);
  }
  return groups;
}
