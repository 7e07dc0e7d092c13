import { Module } from '@nestjs/common';
import { Metrics } from './metrics';

/**
 * Imported by each library that counts something (tenancy, identity, rate limits); Nest makes
 * one instance per application however many import it.
 */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
