import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { type FastifyReply } from 'fastify';
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

  /**
   * Text, not JSON. The type is set once the text exists: a @Header decorator would set it
   * before the handler runs, and a refusal's JSON error body would then go out as text/calendar
   * (Fastify refuses to serialise an object under that type, turning a 400 into a 500).
   */
  @Route({ at: 'school', access: { permissions: ['calendar.view'] } })
  @Get('calendar.ics')
  @ApiOperation({
    summary:
      "The caller's events as iCalendar (RFC 5545), for calendar apps; default range: the current academic year, else the next 12 months",
  })
  // The answer's media type only: refusals stay application/json, as everywhere.
  @ApiOkResponse({
    description: 'An iCalendar file',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  async ics(
    @Query() query: IcsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const text = await this.calendar.ics(query.from, query.to);
    void reply
      .type(ICS_MEDIA_TYPE)
      .header('content-disposition', 'inline; filename="calendar.ics"');
    return text;
  }
}
