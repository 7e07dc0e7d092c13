import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, nothingToChange, Route } from '@schoolyard/common';
import { eventNotFound } from './calendar.errors';
import {
  CreateEventDto,
  EventListQuery,
  EventPage,
  EventView,
  UpdateEventDto,
} from './dto/events.dto';
import { EventsService } from './events.service';

@ApiTags('Calendar')
@Controller('api/calendar/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Route({ at: 'school', access: { permissions: ['calendar.manage'] } })
  @Post()
  @ApiOperation({
    summary:
      'Add a holiday, closure, exam period, parents meeting or other event (holidays and closures are whole days)',
  })
  @ApiCreatedResponse({ type: EventView })
  create(@Body() event: CreateEventDto): Promise<EventView> {
    return this.events.create(event);
  }

  @Route({ at: 'school', access: { permissions: ['calendar.view'] } })
  @Get()
  @ApiOperation({
    summary: "Events, a page at a time, in date order; only those meant for the caller's audience",
  })
  @ApiOkResponse({ type: EventPage })
  list(@Query() query: EventListQuery): Promise<EventPage> {
    return this.events.list(query);
  }

  @Route({ at: 'school', access: { permissions: ['calendar.view'] }, errors: [eventNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One event' })
  @ApiOkResponse({ type: EventView })
  get(@Param() params: IdParams): Promise<EventView> {
    return this.events.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [eventNotFound, nothingToChange],
  })
  @Patch(':id')
  @ApiOperation({ summary: 'Change an event (null clears description or both times)' })
  @ApiOkResponse({ type: EventView })
  update(@Param() params: IdParams, @Body() changes: UpdateEventDto): Promise<EventView> {
    return this.events.update(params.id, changes);
  }

  @Route({ at: 'school', access: { permissions: ['calendar.manage'] }, errors: [eventNotFound] })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an event' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.events.remove(params.id);
  }
}
