import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { CalendarService } from './calendar.service';
import { CalendarQuery, CalendarView, IcsQuery } from './dto/calendar.dto';

export const ICS_MEDIA_TYPE = 'text/calendar; charset=utf-8';

@ApiTags('Calendar')
@Controller('api')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Route({ at: 'school', access: { permissions: ['calendar.view'] } })
  @Get('calendar')
  @ApiOperation({
    summary:
      'Each day from `from` to `to` (at most 366): school day or why not, its year and term; and the years, terms and events of the range',
  })
  @ApiOkResponse({ type: CalendarView })
  range(@Query() query: CalendarQuery): Promise<CalendarView> {
    return this.calendar.range(query.from, query.to);
  }

  /** Text, not JSON: the header is fixed here, and refusals still come as the JSON error shape. */
  @Route({ at: 'school', access: { permissions: ['calendar.view'] } })
  @Get('calendar.ics')
  @Header('Content-Type', ICS_MEDIA_TYPE)
  @Header('Content-Disposition', 'inline; filename="calendar.ics"')
  @ApiOperation({
    summary:
      "The caller's events as iCalendar (RFC 5545), for calendar apps; default range: the current academic year, else the next 12 months",
  })
  @ApiProduces('text/calendar')
  @ApiOkResponse({
    description: 'An iCalendar file',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  ics(@Query() query: IcsQuery): Promise<string> {
    return this.calendar.ics(query.from, query.to);
  }
}
