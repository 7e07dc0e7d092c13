import { Injectable } from '@nestjs/common';
import { type ScopedCaller } from '@schoolyard/rbac';
import { notFound } from './attendance.errors';
import { checkRange } from './date-range';
import {
  type KindRangeQuery,
  type SectionReportView,
  type StudentAttendanceView,
  type StudentDayView,
} from './dto/reports.dto';
import { ReportsRepository, type StudentSessionRow, type Viewpoint } from './reports.repository';

/** What the registers add up to: a student's days, a section's figures. */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  /**
   * A student's registers in a window, day by day, and a summary over registers of one kind.
   * `studentId` is null for the caller's own record (viewpoint `self`).
   */
  async student(
    viewpoint: Viewpoint,
    caller: ScopedCaller,
    studentId: string | null,
    query: KindRangeQuery,
  ): Promise<StudentAttendanceView> {
    checkRange(query.from, query.to);
    const student = await this.reports.visibleStudent(
      viewpoint,
      studentId,
      caller,
      query.from,
      query.to,
    );
    if (!student) throw notFound('student')();
    const rows = await this.reports.studentSessions(student.studentId, query.from, query.to);
    return {
      studentId: student.studentId,
      from: query.from,
      to: query.to,
      days: byDay(rows),
      summary: summaryOf(rows, query.kind, student.schoolDays),
    };
  }

  async section(
    caller: ScopedCaller,
    sectionId: string,
    query: KindRangeQuery,
  ): Promise<SectionReportView> {
    checkRange(query.from, query.to);
    const section = await this.reports.visibleSection(
      sectionId,
      caller,
      query.from,
      query.to,
      query.kind,
    );
    if (!section) throw notFound('section')();
    return {
      sectionId,
      sectionName: section.name,
      from: query.from,
      to: query.to,
      kind: query.kind,
      sessions: section.sessions,
      students: await this.reports.sectionReport(sectionId, query.from, query.to, query.kind),
    };
  }
}

/** Rows in date order become days; a date (a daylight-saving one too) is one day. */
function byDay(rows: StudentSessionRow[]): StudentDayView[] {
  const days: StudentDayView[] = [];
  for (const row of rows) {
    let day = days.at(-1);
    if (day?.date !== row.date) {
      day = { date: row.date, sessions: [] };
      days.push(day);
    }
    day.sessions.push({
      sessionId: row.sessionId,
      kind: row.kind,
      subject: row.subjectId
        ? { id: row.subjectId, code: row.subjectCode!, name: row.subjectName! }
        : null,
      period: row.period,
      status: row.status,
      lateMinutes: row.lateMinutes,
      note: row.note,
    });
  }
  return days;
}

function summaryOf(
  rows: StudentSessionRow[],
  kind: StudentAttendanceView['summary']['kind'],
  schoolDays: number,
): StudentAttendanceView['summary'] {
  const counted = rows.filter((row) => row.kind === kind);
  const count = (status: string) => counted.filter((row) => row.status === status).length;
  const [present, absent, late, excused] = [
    count('present'),
    count('absent'),
    count('late'),
    count('excused'),
  ];
  const expected = counted.length - excused;
  return {
    kind,
    schoolDays,
    sessions: counted.length,
    present,
    absent,
    late,
    excused,
    rate: expected > 0 ? Math.round(((present + late) / expected) * 10_000) / 10_000 : null,
  };
}
