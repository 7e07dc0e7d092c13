import { Module } from '@nestjs/common';
import { FastRefusals } from './fast-refusals';
import { RateLimitGuard } from './rate-limit.guard';

@Module({
  providers: [RateLimitGuard, FastRefusals],
  exports: [RateLimitGuard, FastRefusals],
})
export class RateLimitsModule {}
