import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { AcademicYearsController } from './academic-years.controller';
import { AcademicYearsRepository } from './academic-years.repository';
import { AcademicYearsService } from './academic-years.service';
import { CalendarController } from './calendar.controller';
import { CalendarRepository } from './calendar.repository';
import { CalendarService } from './calendar.service';
import { CallerAudience } from './caller-audience';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { SchoolDaysRepository } from './school-days.repository';
import { TermsController } from './terms.controller';
import { TermsRepository } from './terms.repository';
import { TermsService } from './terms.service';

const services = [AcademicYearsService, TermsService, EventsService, CalendarService];

/**
 * Academic years, terms, rest days and events: which days are school days. The services need
 * only TenantContext (and, for what a caller is shown, the caller): they work in whatever
 * tenant transaction is open.
 */
@Module({
  imports: [IdentityModule],
  controllers: [AcademicYearsController, TermsController, EventsController, CalendarController],
  providers: [
    ...services,
    AcademicYearsRepository,
    TermsRepository,
    EventsRepository,
    CalendarRepository,
    CallerAudience,
    SchoolDaysRepository,
  ],
  exports: [SchoolDaysRepository, AcademicYearsService],
})
export class CalendarModule {}
