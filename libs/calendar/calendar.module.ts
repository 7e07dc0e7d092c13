import { Module } from '@nestjs/common';
import { SchoolDaysRepository } from './school-days.repository';

/** Academic years, terms, rest days and events: which days are school days. */
@Module({
  providers: [SchoolDaysRepository],
  exports: [SchoolDaysRepository],
})
export class CalendarModule {}
