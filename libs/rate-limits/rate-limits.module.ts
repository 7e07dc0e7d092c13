import { Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { SchoolRateLimits } from './school-rate-limits.service';

@Module({ providers: [RateLimitGuard, SchoolRateLimits], exports: [RateLimitGuard] })
export class RateLimitsModule {}
