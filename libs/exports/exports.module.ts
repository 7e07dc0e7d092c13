import { Module } from '@nestjs/common';
import { ExportsController, StudentExportController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { StudentExportRepository } from './student-export.repository';
import { StudentExportService } from './student-export.service';

/**
 * The school's data out: CSV files of the lists (streamed from a cursor, in the columns the
 * importer reads back) and a student's subject-access export as JSON.
 */
@Module({
  controllers: [ExportsController, StudentExportController],
  providers: [ExportsRepository, StudentExportRepository, StudentExportService],
})
export class ExportsModule {}
