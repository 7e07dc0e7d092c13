import { Inject, Injectable } from '@nestjs/common';
import { type EsewaEpay, EsewaEpay as Epay } from '@schoolyard/billing';
import { purposeKey, SealedText } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { deploymentKey } from '@schoolyard/people';
import { type EntityManager } from 'typeorm';
import { type MerchantSettingsDto, type MerchantSettingsView } from './dto/online.dto';
import { type MerchantRow, MerchantSettingsRepository } from './merchant-settings.repository';
import { onlinePaymentNotSetUp } from './online.errors';

const NOT_SET: MerchantSettingsView = { merchantCode: null, secretSet: false, updatedAt: null };

/**
 * The school's own eSewa merchant. Its secret is sealed under a key of its own (derived from
 * the deployment's CREDENTIALS_KEY) with the school's id as associated data, so the database
 * alone, or a sealed secret copied into another school's row, signs nothing.
 */
@Injectable()
export class MerchantSettingsService {
  private readonly secrets: SealedText;

  constructor(
    private readonly merchants: MerchantSettingsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URLS) urls: DatabaseUrls,
  ) {
    this.secrets = new SealedText(purposeKey(deploymentKey(config, urls), 'fee merchant secrets'));
  }

  async get(manager: EntityManager): Promise<MerchantSettingsView> {
    const row = await this.merchants.find(manager);
    return row ? view(row) : NOT_SET;
  }

  async save(
    manager: EntityManager,
    schoolId: string,
    userId: string,
    settings: MerchantSettingsDto,
  ): Promise<MerchantSettingsView> {
    const sealed = this.secrets.seal(schoolId, settings.secretKey);
    return view(await this.merchants.save(manager, settings.merchantCode, sealed, userId));
  }

  remove(manager: EntityManager): Promise<void> {
    return this.merchants.remove(manager);
  }

  /**
   * eSewa as this school's merchant; undefined when the school has none, or its secret does
   * not open here (sealed for another school, or under another deployment's key).
   */
  epayOf(schoolId: string, row: MerchantRow | undefined): EsewaEpay | undefined {
    const secretKey = row && this.secrets.open(schoolId, row.secret_sealed);
    if (!row || secretKey === undefined) return undefined;
    return new Epay({ productCode: row.merchant_code, secretKey }, this.config.billing.esewa);
  }

  /** As `epayOf`, refusing with 409 when the school cannot take online payments. */
  requireEpay(schoolId: string, row: MerchantRow | undefined): EsewaEpay {
    const epay = this.epayOf(schoolId, row);
    if (!epay) throw onlinePaymentNotSetUp();
    return epay;
  }
}

const view = (row: MerchantRow): MerchantSettingsView => ({
  merchantCode: row.merchant_code,
  secretSet: true,
  updatedAt: row.updated_at,
});
