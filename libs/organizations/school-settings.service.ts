import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError, nothingToChange } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type SchoolSettingsView, type UpdateSchoolSettingsDto } from './dto/school-settings.dto';
import { SchoolSettings } from './school-settings.entity';

const SETTINGS_ROW = 1;

function view(settings: SchoolSettings): SchoolSettingsView {
  return {
    displayName: settings.displayName,
    timezone: settings.timezone,
    locale: settings.locale,
    primaryColor: settings.primaryColor,
    secondaryColor: settings.secondaryColor,
    updatedAt: settings.updatedAt,
  };
}

@Injectable()
export class SchoolSettingsService {
  constructor(private readonly tenant: TenantContext) {}

  async get(): Promise<SchoolSettingsView> {
    const settings = await this.tenant.manager.findOneBy(SchoolSettings, { id: SETTINGS_ROW });
    if (!settings) {
      throw new AppError(HttpStatus.NOT_FOUND, 'SETTINGS_NOT_FOUND', 'This school has no settings');
    }
    return view(settings);
  }

  async update(changes: UpdateSchoolSettingsDto): Promise<SchoolSettingsView> {
    if (Object.keys(changes).length === 0) {
      throw nothingToChange();
    }
    await this.tenant.manager.update(SchoolSettings, { id: SETTINGS_ROW }, changes);
    return this.get();
  }
}
