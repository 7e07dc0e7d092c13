import { Injectable } from '@nestjs/common';
import { isForeignKeyViolation, isUniqueViolation } from '@schoolyard/database';
import { PrincipalContext } from '@schoolyard/identity';
import {
  columnAssignments,
  likePattern,
  oneRow,
  patchOf,
  queryPage,
  updateRow,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import {
  type ChildRefView,
  type CreateGuardianDto,
  type GuardianPage,
  type GuardianView,
  type LinkStudentDto,
  type MyChildView,
  type UpdateGuardianDto,
} from './dto/guardians.dto';
import { type PageQuery } from './dto/person.dto';
import {
  accountsOfPeople,
  accountView,
  insertProfile,
  NAME_FIELDS,
  PERSON_COLUMNS,
  type PersonRow,
} from './people-rows';
import { alreadyLinked, linkNotFound, personNotFound } from './people.errors';
import { PortalAccountControls } from './portal-account-controls.service';

interface GuardianRow extends PersonRow {
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}

const GUARDIAN_COLUMNS = `${PERSON_COLUMNS}, g.phone, g.created_at, g.updated_at`;

const GUARDIAN_FIELDS = { phone: 'phone' } as const;

/** A PATCH may clear the optional fields with null, never these. */
const REQUIRED_FIELDS = ['firstName', 'lastName'] as const;

const notFound = () => personNotFound('guardian');

@Injectable()
export class GuardiansService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly caller: PrincipalContext,
    private readonly accounts: PortalAccountControls,
  ) {}

  async create(guardian: CreateGuardianDto): Promise<GuardianView> {
    const manager = this.tenant.manager;
    const profileId = await insertProfile(manager, 'guardian', guardian);
    await manager.query(`INSERT INTO guardians (profile_id, phone) VALUES ($1, $2)`, [
      profileId,
      guardian.phone ?? null,
    ]);
    return this.one(profileId);
  }

  /** Three queries whatever the page size: the page, its accounts, its children. */
  async list(query: PageQuery): Promise<GuardianPage> {
    const { rows, meta } = await queryPage<GuardianRow>(
      this.tenant.manager,
      {
        select: GUARDIAN_COLUMNS,
        from: 'guardians g JOIN profiles p ON p.id = g.profile_id',
        where: 'WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1)',
        orderBy: 'p.last_name, p.first_name, p.id',
      },
      [likePattern(query.search)],
      query,
    );
    return { data: await this.views(rows), meta };
  }

  async get(id: string): Promise<GuardianView> {
    return this.one(id);
  }

  async update(id: string, changes: UpdateGuardianDto): Promise<GuardianView> {
    const manager = this.tenant.manager;
    patchOf(changes, { ...NAME_FIELDS, ...GUARDIAN_FIELDS }, REQUIRED_FIELDS);
    const profile = columnAssignments(changes, NAME_FIELDS);
    const guardian = columnAssignments(changes, GUARDIAN_FIELDS);
    await this.row(manager, id, true);
    if (profile.columns.length) {
      await updateRow(manager, 'profiles', id, profile, { notFound });
    }
    await manager.query(
      `UPDATE guardians SET ${guardian.columns.length ? `${guardian.set(2)}, ` : ''}updated_at = now()
        WHERE profile_id = $1`,
      [id, ...guardian.values],
    );
    return this.one(id);
  }

  /**
   * Removes the guardian for good, with their links to children. Nothing else in a school
   * names a guardian, so nothing can be in the way. Their portal access here is closed first,
   * as portal deactivation would close it, and refused the same way for the last Owner.
   */
  async remove(id: string): Promise<void> {
    const manager = this.tenant.manager;
    const guardian = await this.row(manager, id, true);
    await this.accounts.close(manager, 'guardian', [guardian]);
    await manager.query(`WITH gone AS (DELETE FROM profiles WHERE id = $1 RETURNING 1) SELECT 1`, [
      id,
    ]);
  }

  async linkStudent(guardianId: string, link: LinkStudentDto): Promise<GuardianView> {
    await this.one(guardianId);
    try {
      await this.tenant.manager.query(
        `INSERT INTO student_guardians (student_id, guardian_id, relationship) VALUES ($1, $2, $3)`,
        [link.studentId, guardianId, link.relationship],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'student_guardians_pkey')) throw alreadyLinked();
      if (isForeignKeyViolation(error)) throw personNotFound('student');
      throw error;
    }
    return this.one(guardianId);
  }

  async unlinkStudent(guardianId: string, studentId: string): Promise<void> {
    // Wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count], not rows.
    const [removed]: Array<{ n: number }> = await this.tenant.manager.query(
      `WITH removed AS (
         DELETE FROM student_guardians WHERE guardian_id = $1 AND student_id = $2 RETURNING 1)
       SELECT count(*)::int AS n FROM removed`,
      [guardianId, studentId],
    );
    if (removed.n === 0) throw linkNotFound();
  }

  /** The caller's own children in this school, through the guardian profiles linked to them. */
  async myChildren(): Promise<MyChildView[]> {
    const rows: Array<{
      student_id: string;
      first_name: string;
      last_name: string;
      admission_number: string;
      status: string;
      relationship: string;
    }> = await this.tenant.manager.query(
      `SELECT s.profile_id AS student_id, sp.first_name, sp.last_name, s.admission_number,
              s.status, sg.relationship
         FROM profiles gp
         JOIN student_guardians sg ON sg.guardian_id = gp.id
         JOIN students s ON s.profile_id = sg.student_id
         JOIN profiles sp ON sp.id = s.profile_id
        WHERE gp.user_id = $1 AND gp.kind = 'guardian'
        ORDER BY sp.last_name, sp.first_name`,
      [this.caller.principal.userId],
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

  private async one(id: string): Promise<GuardianView> {
    const [view] = await this.views([await this.row(this.tenant.manager, id)]);
    return view;
  }

  private row(manager: EntityManager, id: string, lock = false): Promise<GuardianRow> {
    return oneRow<GuardianRow>(
      manager,
      `SELECT ${GUARDIAN_COLUMNS} FROM guardians g JOIN profiles p ON p.id = g.profile_id
        WHERE g.profile_id = $1 ${lock ? 'FOR UPDATE OF g, p' : ''}`,
      [id],
      notFound,
    );
  }

  private async views(rows: GuardianRow[]): Promise<GuardianView[]> {
    const manager = this.tenant.manager;
    const accounts = await accountsOfPeople(manager, rows);
    const links: Array<{
      guardian_id: string;
      student_id: string;
      first_name: string;
      last_name: string;
      relationship: string;
    }> = rows.length
      ? await manager.query(
          `SELECT sg.guardian_id, sg.student_id, p.first_name, p.last_name, sg.relationship
             FROM student_guardians sg JOIN profiles p ON p.id = sg.student_id
            WHERE sg.guardian_id = ANY($1::uuid[]) ORDER BY p.last_name, p.first_name`,
          [rows.map((row) => row.id)],
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
    return rows.map((row) => ({
      id: row.id,
      firstName: row.first_name,
      middleName: row.middle_name,
      lastName: row.last_name,
      email: row.email,
      phone: row.phone,
      children: children.get(row.id) ?? [],
      account: accountView(row, accounts),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }
}
