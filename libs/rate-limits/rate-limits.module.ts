import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard, SchoolAllowanceGuard } from './rate-limit.guard';

@Module({
  providers: [RateLimitGuard, SchoolAllowanceGuard, FastRefusals],
  exports: [RateLimitGuard, SchoolAllowanceGuard, FastRefusals],
})
export class RateLimitsModule {}
