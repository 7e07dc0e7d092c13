import { Module } from '@nestjs/common';
import { ImportJobsModule } from './import-runner';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** Bulk imports: the upload route, the reports, and the job that checks and writes. */
@Module({
  imports: [ImportJobsModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
