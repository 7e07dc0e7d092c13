import { Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { IdentityModule } from '@schoolyard/identity';
import { AccountCascade } from './account-cascade.service';
import { AccountLinksController } from './account-links.controller';
import { AccountLinks } from './account-links.service';
import { CredentialCipher } from './credential-cipher';
import { GuardiansController } from './guardians.controller';
import { GuardiansService } from './guardians.service';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalActivation } from './portal-activation.service';
import { SoftLinkAudit } from './soft-link-audit.service';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';
import { StudentsController } from './students.controller';
import { StudentsService } from './students.service';

@Module({
  imports: [IdentityModule, BillingCoreModule],
  controllers: [StudentsController, StaffController, GuardiansController, AccountLinksController],
  providers: [
    StudentsService,
    StaffService,
    GuardiansService,
    PortalActivation,
    AccountLinks,
    PortalAccountControls,
    CredentialCipher,
    AccountCascade,
    SoftLinkAudit,
  ],
  exports: [AccountCascade, CredentialCipher, SoftLinkAudit],
})
export class PeopleModule {}
