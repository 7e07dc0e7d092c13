import { Injectable } from '@nestjs/common';
import { type StudentAccountView } from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { StudentAccountsRepository } from './student-accounts.repository';

/** What the school holds for a student, and how it came and went. */
@Injectable()
export class StudentAccountsService {
  constructor(private readonly accounts: StudentAccountsRepository) {}

  async account(studentId: string): Promise<StudentAccountView> {
    const account = await this.accounts.account(studentId);
    if (!account) throw feeThingNotFound('student')();
    return account;
  }
}
