import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard, SchoolAllowanceGuard } from './rate-limit.guard';
import { RegistrationLimitGuard, RegistrationLimits } from './registration-limits';
import { SharedState } from './shared-state';

const guards = [
  RateLimitGuard,
  SchoolAllowanceGuard,
  FastRefusals,
  RegistrationLimits,
  RegistrationLimitGuard,
  SharedState,
];

@Module({ providers: guards, exports: guards })
export class RateLimitsModule {}
