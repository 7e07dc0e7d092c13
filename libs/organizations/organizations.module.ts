import { Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { IdentityModule } from '@schoolyard/identity';
import { RateLimitsModule } from '@schoolyard/rate-limits';
import { OrganizationsController } from './organizations.controller';
import { RegistrationRepository } from './registration.repository';
import { RegistrationService } from './registration.service';
import { SchoolController } from './school.controller';
import { SchoolSettingsRepository } from './school-settings.repository';
import { SchoolSettingsService } from './school-settings.service';

@Module({
  imports: [IdentityModule, BillingCoreModule, RateLimitsModule],
  controllers: [OrganizationsController, SchoolController],
  providers: [
    RegistrationService,
    SchoolSettingsService,
    RegistrationRepository,
    SchoolSettingsRepository,
  ],
  exports: [RegistrationService],
})
export class OrganizationsModule {}
