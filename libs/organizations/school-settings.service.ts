import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AppError, columnAssignments, nothingToChange, validationFailed } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { normalizeHost, TenantContext } from '@schoolyard/tenancy';
import { type SchoolSettingsView, type UpdateSchoolSettingsDto } from './dto/school-settings.dto';
import { type SchoolSettingsRow, SchoolSettingsRepository } from './school-settings.repository';

/** Fields a school may change → their columns (names never come from input). */
const FIELDS = {
  displayName: 'display_name',
  timezone: 'timezone',
  locale: 'locale',
  primaryColor: 'primary_color',
  secondaryColor: 'secondary_color',
  restDays: 'rest_days',
  attendanceEditDays: 'attendance_edit_days',
  currency: 'currency',
  emailEnabled: 'email_enabled',
  smsEnabled: 'sms_enabled',
} as const;

/** Invoices keep the currency they were written in: a school's money has one unit. */
export const currencyInUse = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'CURRENCY_IN_USE',
    'The school has invoices in its currency: the currency can no longer change',
    { field: 'currency' },
  );

function view(settings: SchoolSettingsRow, corsOrigins: readonly string[]): SchoolSettingsView {
  return {
    corsOrigins: [...corsOrigins],
    displayName: settings.display_name,
    timezone: settings.timezone,
    locale: settings.locale,
    primaryColor: settings.primary_color,
    secondaryColor: settings.secondary_color,
    restDays: settings.rest_days,
    attendanceEditDays: settings.attendance_edit_days,
    currency: settings.currency,
    emailEnabled: settings.email_enabled,
    smsEnabled: settings.sms_enabled,
    updatedAt: settings.updated_at,
  };
}

@Injectable()
export class SchoolSettingsService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly repository: SchoolSettingsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The transaction's last statement (also after an update), so COMMIT rides with it. */
  async get(corsOrigins = this.tenant.school.corsOrigins ?? []): Promise<SchoolSettingsView> {
    const settings = await this.repository.readSettingsLast();
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
    if (
      settings.currency !== undefined &&
      (await this.repository.currencyFixed(settings.currency))
    ) {
      throw currencyInUse();
    }
    const plan = columnAssignments(settings, FIELDS);
    if (plan.columns.length) {
      await this.repository.updateSettings(plan);
    }
    if (corsOrigins === undefined) return this.get();
    const origins = this.checkedOrigins(corsOrigins);
    await this.repository.setCorsOrigins(origins);
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
