import { Module } from '@nestjs/common';
import { MetricsModule } from '@schoolyard/metrics';
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

@Module({ imports: [MetricsModule], providers: guards, exports: guards })
export class RateLimitsModule {}
