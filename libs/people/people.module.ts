import { Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { IdentityModule } from '@schoolyard/identity';
import { AccountCascadeModule } from './account-cascade.module';
import { AccountLinksController } from './account-links.controller';
import { AccountLinksRepository } from './account-links.repository';
import { AccountLinks } from './account-links.service';
import { CredentialCipher } from './credential-cipher';
import { GuardiansController } from './guardians.controller';
import { GuardiansRepository } from './guardians.repository';
import { GuardiansService } from './guardians.service';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalAccountsRepository } from './portal-accounts.repository';
import { PortalActivation } from './portal-activation.service';
import { SchoolAccountsRepository } from './school-accounts.repository';
import { SoftLinkAuditRepository } from './soft-link-audit.repository';
import { SoftLinkAudit } from './soft-link-audit.service';
import { SoftLinksRepository } from './soft-links.repository';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';
import { StudentsController } from './students.controller';
import { StudentsRepository } from './students.repository';
import { StudentsService } from './students.service';

@Module({
  imports: [IdentityModule, BillingCoreModule, AccountCascadeModule],
  controllers: [StudentsController, StaffController, GuardiansController, AccountLinksController],
  providers: [
    StudentsService,
    StaffService,
    GuardiansService,
    PortalActivation,
    AccountLinks,
    PortalAccountControls,
    CredentialCipher,
    SoftLinkAudit,
    StudentsRepository,
    StaffRepository,
    GuardiansRepository,
    SchoolAccountsRepository,
    PortalAccountsRepository,
    AccountLinksRepository,
    SoftLinkAuditRepository,
    SoftLinksRepository,
  ],
  exports: [AccountCascadeModule, CredentialCipher, SoftLinkAudit],
})
export class PeopleModule {}
