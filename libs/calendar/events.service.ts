import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { CallerAudience } from './caller-audience';
import { badCombination, timesInPairs, wholeDaysOnly } from './calendar.errors';
import {
  CLOSING_KINDS,
  type CreateEventDto,
  type EventListQuery,
  type EventPage,
  type EventView,
  type UpdateEventDto,
} from './dto/events.dto';
import { EVENT_FIELDS, EventsRepository } from './events.repository';

/** The school's holidays, closures, exam periods, meetings and other events. */
@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly audience: CallerAudience,
  ) {}

  async list(query: EventListQuery): Promise<EventPage> {
    if (query.from && query.to && query.to < query.from) {
      throw badCombination('to', 'to must not be before from');
    }
    return this.events.page(query, await this.audience.current());
  }

  async get(id: string): Promise<EventView> {
    return this.events.find(id, await this.audience.current());
  }

  async create(event: CreateEventDto): Promise<EventView> {
    checkEvent(event);
    const id = await this.events.insert(event, this.audience.userId);
    return this.events.find(id, null);
  }

  async update(id: string, changes: UpdateEventDto): Promise<EventView> {
    const plan = patchOf(changes, EVENT_FIELDS, [
      'kind',
      'title',
      'startsOn',
      'endsOn',
      'audience',
    ]);
    const now = await this.events.forUpdate(id);
    const present = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as Partial<EventView>;
    checkEvent({ ...now, ...present });
    await this.events.update(id, plan);
    return this.events.find(id, null);
  }

  remove(id: string): Promise<void> {
    return this.events.remove(id);
  }
}

/** The rules between fields, checked on the event as it would be stored (400 when broken). */
function checkEvent(event: {
  kind: string;
  startsOn: string;
  endsOn: string;
  startTime?: string | null;
  endTime?: string | null;
}): void {
  if (event.endsOn < event.startsOn) {
    throw badCombination('endsOn', 'endsOn must not be before startsOn');
  }
  const timed = event.startTime != null;
  if (timed !== (event.endTime != null)) throw timesInPairs();
  if (!timed) return;
  if ((CLOSING_KINDS as readonly string[]).includes(event.kind)) throw wholeDaysOnly();
  if (event.endTime! <= event.startTime!) {
    throw badCombination('endTime', 'endTime must be after startTime');
  }
}
