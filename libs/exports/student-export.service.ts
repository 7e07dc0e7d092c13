import { Injectable } from '@nestjs/common';
import { notFound } from '@schoolyard/attendance';
import { type StudentExportView } from './dto/student-export.dto';
import { type StudentSection, StudentExportRepository } from './student-export.repository';

@Injectable()
export class StudentExportService {
  constructor(private readonly records: StudentExportRepository) {}

  /** 404 for an id that is not a student of this school (another school's ids included). */
  async export(studentId: string): Promise<StudentExportView> {
    const profile = await this.records.profile(studentId);
    if (!profile) throw notFound('student')();
    const { localUsername, userId, ...student } = profile;
    const sections = {} as Record<StudentSection, Record<string, unknown>[]>;
    // Sequential: one transaction, one connection; each section is one statement.
    for (const section of StudentExportRepository.sections) {
      sections[section] = await this.records.section(section, studentId);
    }
    const account = userId && localUsername ? await this.records.account(userId) : undefined;
    return {
      exportedAt: new Date(),
      student,
      account:
        account && localUsername
          ? {
              username: localUsername,
              email: account.email,
              isActive: account.is_active,
              lastSignInAt: account.last_login_at,
            }
          : null,
      ...(sections as unknown as Omit<StudentExportView, 'exportedAt' | 'student' | 'account'>),
    };
  }
}
