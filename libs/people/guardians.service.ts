import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type CreateGuardianDto,
  type GuardianPage,
  type GuardianView,
  type LinkStudentDto,
  type MyChildView,
  type UpdateGuardianDto,
} from './dto/guardians.dto';
import { type PageQuery } from './dto/person.dto';
import { GuardiansRepository } from './guardians.repository';
import { linkNotFound } from './people.errors';
import { PortalAccountControls } from './portal-account-controls.service';

@Injectable()
export class GuardiansService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly guardians: GuardiansRepository,
    private readonly caller: PrincipalContext,
    private readonly accounts: PortalAccountControls,
  ) {}

  async create(guardian: CreateGuardianDto): Promise<GuardianView> {
    return this.get(await this.guardians.insertGuardian(guardian));
  }

  /** Three queries whatever the page size: the page, its accounts, its children. */
  async list(query: PageQuery): Promise<GuardianPage> {
    const { rows, meta } = await this.guardians.pageOfGuardians(query);
    return { data: await this.guardians.views(rows), meta };
  }

  async get(id: string): Promise<GuardianView> {
    const [view] = await this.guardians.views([await this.guardians.find(id)]);
    return view;
  }

  async update(id: string, changes: UpdateGuardianDto): Promise<GuardianView> {
    const plan = this.guardians.planChanges(changes);
    await this.guardians.find(id, true);
    await this.guardians.applyChanges(id, plan);
    return this.get(id);
  }

  /**
   * Removes the guardian for good, with their links to children. Nothing else in a school
   * names a guardian, so nothing can be in the way. Their portal access here is closed first,
   * as portal deactivation would close it, and refused the same way for the last Owner.
   */
  async remove(id: string): Promise<void> {
    const guardian = await this.guardians.find(id, true);
    await this.accounts.close(this.tenant.manager, 'guardian', [guardian]);
    await this.guardians.deleteProfile(id);
  }

  async linkStudent(guardianId: string, link: LinkStudentDto): Promise<GuardianView> {
    await this.get(guardianId);
    await this.guardians.linkStudent(guardianId, link);
    return this.get(guardianId);
  }

  async unlinkStudent(guardianId: string, studentId: string): Promise<void> {
    if ((await this.guardians.unlinkStudent(guardianId, studentId)) === 0) throw linkNotFound();
  }

  /** The caller's own children in this school, through the guardian profiles linked to them. */
  myChildren(): Promise<MyChildView[]> {
    return this.guardians.childrenOfAccount(this.caller.principal.userId);
  }
}
