import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';
import { NOTIFICATION_CATEGORIES } from './notifications-writer';
import {
  DELIVERY_CHANNELS,
  type PreferencesView,
  type UpdatePreferencesDto,
} from './preferences.dto';
import { type PreferencesRow, PreferencesRepository } from './preferences.repository';

export const noProfileHere = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'PROFILE_NOT_FOUND',
    'Your account has no profile in this school, so it receives no notifications here',
  );

export const preferencesInvalid = (field: string, problems: string[]) =>
  validationFailed([{ field, problems }]);

/** Which categories reach a person by email and SMS, and when they would rather not hear. */
@Injectable()
export class PreferencesService {
  constructor(private readonly preferences: PreferencesRepository) {}

  async get(userId: string): Promise<PreferencesView> {
    return view(await this.preferences.read(userId));
  }

  /** All or nothing: a refused change writes nothing (the request's transaction). */
  async update(userId: string, changes: UpdatePreferencesDto): Promise<PreferencesView> {
    const channels = changes.channels ?? [];
    const seen = new Set<string>();
    const repeated = channels
      .map((c) => `${c.category}:${c.channel}`)
      .filter((key) => seen.size === seen.add(key).size);
    if (repeated.length) {
      throw preferencesInvalid('channels', [`${repeated.join(', ')} given more than once`]);
    }
    const quiet = changes.quietHours;
    if (quiet && quiet.startsAt === quiet.endsAt) {
      throw preferencesInvalid('quietHours', ['startsAt and endsAt must differ']);
    }
    const profiles = await this.preferences.write(userId, channels, quiet);
    if (profiles === 0) throw noProfileHere();
    return this.get(userId);
  }
}

function view(row: PreferencesRow | undefined): PreferencesView {
  const off = new Set(row?.off ?? []);
  return {
    channels: NOTIFICATION_CATEGORIES.flatMap((category) =>
      DELIVERY_CHANNELS.map((channel) => ({
        category,
        channel,
        enabled: !off.has(`${category}:${channel}`),
      })),
    ),
    quietHours: row?.startsAt && row.endsAt ? { startsAt: row.startsAt, endsAt: row.endsAt } : null,
    schoolChannels: { email: row?.email ?? false, sms: row?.sms ?? false },
  };
}
