import { PlatformSchema1763900000000 } from './1763900000000-PlatformSchema';
import { AuthSessions1763900000200 } from './1763900000200-AuthSessions';
import { LedgerCatalogVersion1763900000400 } from './1763900000400-LedgerCatalogVersion';
import { PortalAccounts1763900000500 } from './1763900000500-PortalAccounts';
import { Billing1763900000700 } from './1763900000700-Billing';
import { LedgerSchemaVersion1763900000800 } from './1763900000800-LedgerSchemaVersion';
import { PlanRateLimits1763900000910 } from './1763900000910-PlanRateLimits';
import { PlanChangeNotices1763900000920 } from './1763900000920-PlanChangeNotices';
import { AccountTrust1763900001000 } from './1763900001000-AccountTrust';
import { LoginSecrets1763900001100 } from './1763900001100-LoginSecrets';
import { SchoolAccountControls1763900001200 } from './1763900001200-SchoolAccountControls';
import { SchoolByHost1763900001300 } from './1763900001300-SchoolByHost';
import { SchoolOrigins1763900001400 } from './1763900001400-SchoolOrigins';
import { MailOnce1763900001500 } from './1763900001500-MailOnce';
import { FeePaymentJournal1763900001600 } from './1763900001600-FeePaymentJournal';
import { SmsQuota1763900001700 } from './1763900001700-SmsQuota';
import { PlatformAudit1763900001800 } from './1763900001800-PlatformAudit';

/** Listed explicitly (no globs) so the same list works from TypeScript sources and from dist/. */
export const publicMigrations = [
  PlatformSchema1763900000000,
  AuthSessions1763900000200,
  LedgerCatalogVersion1763900000400,
  PortalAccounts1763900000500,
  Billing1763900000700,
  LedgerSchemaVersion1763900000800,
  PlanRateLimits1763900000910,
  PlanChangeNotices1763900000920,
  AccountTrust1763900001000,
  LoginSecrets1763900001100,
  SchoolAccountControls1763900001200,
  SchoolByHost1763900001300,
  SchoolOrigins1763900001400,
  MailOnce1763900001500,
  FeePaymentJournal1763900001600,
  SmsQuota1763900001700,
  PlatformAudit1763900001800,
];
