import { Injectable } from '@nestjs/common';
import {
  execute,
  likePattern,
  type PageMeta,
  type PageQuery,
  selectRows,
} from '@schoolyard/common';
import { isForeignKeyViolation, isUniqueViolation } from '@schoolyard/database';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type ChildRefView,
  type CreateGuardianDto,
  type GuardianView,
  type LinkStudentDto,
  type MyChildView,
} from './dto/guardians.dto';
import { type AccountView } from './dto/person.dto';
import { alreadyLinked, personNotFound } from './people.errors';
import {
  NAME_FIELDS,
  type PersonRow,
  PersonRecordsRepository,
  personView,
} from './person-records.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';

export interface GuardianRow extends PersonRow {
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}

const GUARDIANS = {
  kind: 'guardian',
  table: 'guardians',
  alias: 'g',
  columns: 'g.phone, g.created_at, g.updated_at',
  profileFields: NAME_FIELDS,
  recordFields: { phone: 'phone' },
  required: ['firstName', 'lastName'],
  notFound: () => personNotFound('guardian'),
} as const;

function guardianView(
  row: GuardianRow,
  account: AccountView | null,
  children: ChildRefView[],
): GuardianView {
  return personView(row, {
    phone: row.phone,
    children,
    account,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

@Injectable()
export class GuardiansRepository extends PersonRecordsRepository<GuardianRow, GuardianView> {
  constructor(tenant: TenantContext, accounts: SchoolAccountsRepository) {
    super(tenant, accounts, GUARDIANS);
  }

  /** The profile and the guardian record; answers the profile's id. */
  insertGuardian(guardian: CreateGuardianDto): Promise<string> {
    return this.insertPerson(
      guardian,
      `INSERT INTO guardians (profile_id, phone) VALUES ($1, $2)`,
      [guardian.phone ?? null],
    );
  }

  pageOfGuardians(query: PageQuery): Promise<{ rows: GuardianRow[]; meta: PageMeta }> {
    return this.page(
      'WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1)',
      [likePattern(query.search)],
      'p.last_name, p.first_name, p.id',
      query,
    );
  }

  /** Three queries whatever the number of guardians: their accounts, then their children. */
  override async views(rows: GuardianRow[]): Promise<GuardianView[]> {
    const accounts = await this.accountsOf(rows);
    const children = await this.childrenOf(rows.map((row) => row.id));
    return rows.map((row) =>
      guardianView(row, this.accountView(row, accounts), children.get(row.id) ?? []),
    );
  }

  /** Unique: linked already; foreign key: no such student. */
  async linkStudent(guardianId: string, link: LinkStudentDto): Promise<void> {
    try {
      await execute(
        this.tenant.manager,
        `INSERT INTO student_guardians (student_id, guardian_id, relationship) VALUES ($1, $2, $3)`,
        [link.studentId, guardianId, link.relationship],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'student_guardians_pkey')) throw alreadyLinked();
      if (isForeignKeyViolation(error)) throw personNotFound('student');
      throw error;
    }
  }

  /** Answers how many links went (0 or 1). */
  unlinkStudent(guardianId: string, studentId: string): Promise<number> {
    return execute(
      this.tenant.manager,
      `DELETE FROM student_guardians WHERE guardian_id = $1 AND student_id = $2`,
      [guardianId, studentId],
    );
  }

  /** The account's children in this school, through the guardian profiles linked to it. */
  async childrenOfAccount(userId: string): Promise<MyChildView[]> {
    const rows = await selectRows<{
      student_id: string;
      first_name: string;
      last_name: string;
      admission_number: string;
      status: string;
      relationship: string;
    }>(
      this.tenant.manager,
      `SELECT s.profile_id AS student_id, sp.first_name, sp.last_name, s.admission_number,
              s.status, sg.relationship
         FROM profiles gp
         JOIN student_guardians sg ON sg.guardian_id = gp.id
         JOIN students s ON s.profile_id = sg.student_id
         JOIN profiles sp ON sp.id = s.profile_id
        WHERE gp.user_id = $1 AND gp.kind = 'guardian'
        ORDER BY sp.last_name, sp.first_name`,
      [userId],
    );
    return rows.map((row) => ({
      studentId: row.student_id,
      firstName: row.first_name,
      lastName: row.last_name,
      admissionNumber: row.admission_number,
      status: row.status,
      relationship: row.relationship,
    }));
  }

  protected toView(row: GuardianRow, account: AccountView | null): GuardianView {
    return guardianView(row, account, []);
  }

  /** One query for the children of every guardian of a page, none for an empty page. */
  private async childrenOf(guardianIds: string[]): Promise<Map<string, ChildRefView[]>> {
    const links = guardianIds.length
      ? await selectRows<{
          guardian_id: string;
          student_id: string;
          first_name: string;
          last_name: string;
          relationship: string;
        }>(
          this.tenant.manager,
          `SELECT sg.guardian_id, sg.student_id, p.first_name, p.last_name, sg.relationship
             FROM student_guardians sg JOIN profiles p ON p.id = sg.student_id
            WHERE sg.guardian_id = ANY($1::uuid[]) ORDER BY p.last_name, p.first_name`,
          [guardianIds],
        )
      : [];
    const children = new Map<string, ChildRefView[]>();
    for (const link of links) {
      const list = children.get(link.guardian_id) ?? [];
      list.push({
        studentId: link.student_id,
        displayName: `${link.first_name} ${link.last_name}`,
        relationship: link.relationship,
      });
      children.set(link.guardian_id, list);
    }
    return children;
  }
}
