import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard } from './rate-limit.guard';
import { RegistrationLimitGuard, RegistrationLimits } from './registration-limits';

@Module({
  providers: [RateLimitGuard, FastRefusals, RegistrationLimits, RegistrationLimitGuard],
  exports: [RateLimitGuard, FastRefusals, RegistrationLimits, RegistrationLimitGuard],
})
export class RateLimitsModule {}
