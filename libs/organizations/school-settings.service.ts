import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AppError, nothingToChange, validationFailed } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { normalizeHost, TenantContext } from '@schoolyard/tenancy';
import { type SchoolSettingsView, type UpdateSchoolSettingsDto } from './dto/school-settings.dto';
import { SchoolSettings } from './school-settings.entity';

const SETTINGS_ROW = 1;

function view(settings: SchoolSettings, corsOrigins: readonly string[]): SchoolSettingsView {
  return {
    corsOrigins: [...corsOrigins],
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
  constructor(
    private readonly tenant: TenantContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(corsOrigins = this.tenant.school.corsOrigins ?? []): Promise<SchoolSettingsView> {
    const settings = await this.tenant.manager.findOneBy(SchoolSettings, { id: SETTINGS_ROW });
    if (!settings) {
      throw new AppError(HttpStatus.NOT_FOUND, 'SETTINGS_NOT_FOUND', 'This school has no settings');
    }
    return view(settings, corsOrigins);
  }

  async update(changes: UpdateSchoolSettingsDto): Promise<SchoolSettingsView> {
    const { corsOrigins, ...settings } = changes;
    if (Object.keys(changes).length === 0) {
      throw nothingToChange();
    }
    if (Object.keys(settings).length) {
      await this.tenant.manager.update(SchoolSettings, { id: SETTINGS_ROW }, settings);
    }
    if (corsOrigins === undefined) return this.get();
    const origins = this.checkedOrigins(corsOrigins);
    // The registry row is the platform's: the school writes it through a function naming itself.
    await this.tenant.manager.query('SELECT public.set_school_cors_origins($1::text[])', [origins]);
    return this.get(origins);
  }

  /**
   * Whole origins only (scheme, host, port), https in production, and never an address under
   * the platform's domain: a sibling school shares the site, and trusting its pages would let
   * its scripts read this school with this school's cookies.
   */
  private checkedOrigins(origins: readonly string[]): string[] {
    const problems: string[] = [];
    const checked = new Set<string>();
    for (const origin of origins) {
      let url: URL | undefined;
      try {
        url = new URL(origin);
      } catch {
        url = undefined;
      }
      const schemes = this.config.environment === 'production' ? ['https:'] : ['https:', 'http:'];
      if (!url || url.origin !== origin.toLowerCase() || !schemes.includes(url.protocol)) {
        problems.push(`${origin} is not an origin such as https://portal.example.org`);
        continue;
      }
      const host = normalizeHost(url.hostname);
      const base = this.config.baseDomain;
      if (host === base || host.endsWith(`.${base}`)) {
        problems.push(
          `${origin} is the platform's or a school's address, not this school's own front end`,
        );
        continue;
      }
      checked.add(url.origin);
    }
    if (problems.length) throw validationFailed([{ field: 'corsOrigins', problems }]);
    return [...checked];
  }
}
