import { Global, Module } from '@nestjs/common';
import { Jobs } from './jobs.service';

/** The process's one job runner; needs the configuration and the database URLs. */
@Global()
@Module({
  providers: [Jobs],
  exports: [Jobs],
})
export class JobsModule {}
