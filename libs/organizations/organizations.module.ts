import { Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { IdentityModule } from '@schoolyard/identity';
import { RateLimitsModule } from '@schoolyard/rate-limits';
import { OrganizationsController } from './organizations.controller';
import { RegistrationService } from './registration.service';
import { SchoolController } from './school.controller';
import { SchoolSettingsService } from './school-settings.service';

@Module({
  imports: [IdentityModule, BillingCoreModule, RateLimitsModule],
  controllers: [OrganizationsController, SchoolController],
  providers: [RegistrationService, SchoolSettingsService],
  exports: [RegistrationService],
})
export class OrganizationsModule {}
