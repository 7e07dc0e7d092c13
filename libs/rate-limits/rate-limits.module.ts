import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard, SchoolAllowanceGuard } from './rate-limit.guard';
import { RegistrationLimitGuard, RegistrationLimits } from './registration-limits';

const guards = [
  RateLimitGuard,
  SchoolAllowanceGuard,
  FastRefusals,
  RegistrationLimits,
  RegistrationLimitGuard,
];

@Module({ providers: guards, exports: guards })
export class RateLimitsModule {}
