import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard } from './rate-limit.guard';
import { SchoolRateLimits } from './school-rate-limits.service';

@Module({
  providers: [RateLimitGuard, SchoolRateLimits, FastRefusals],
  exports: [RateLimitGuard, FastRefusals],
})
export class RateLimitsModule {}
