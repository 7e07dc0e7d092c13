import { Inject, Injectable } from '@nestjs/common';
import { type EsewaEpay, EsewaEpay as Epay } from '@schoolyard/billing';
import { purposeKey, SealedText } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { deploymentKey } from '@schoolyard/people';
import { type EntityManager } from 'typeorm';
import { type MerchantSettingsDto, type MerchantSettingsView } from './dto/online.dto';
import { type MerchantRow, MerchantSettingsRepository } from './merchant-settings.repository';
import { onlinePaymentNotSetUp, onlinePaymentsPending } from './online.errors';

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
    await this.refuseWhilePaying(manager, settings.merchantCode);
    const sealed = this.secrets.seal(schoolId, settings.secretKey);
    return view(await this.merchants.save(manager, settings.merchantCode, sealed, userId));
  }

  async remove(manager: EntityManager): Promise<void> {
    await this.refuseWhilePaying(manager, null);
    return this.merchants.remove(manager);
  }

  /**
   * A family paying now was sent to eSewa under the current code: the merchant may not move
   * to another code (or go) until such payments end. A new secret under the same code is
   * fine (a wrong secret is what a school most needs to fix while families are paying).
   */
  private async refuseWhilePaying(manager: EntityManager, nextCode: string | null) {
    const pending = await this.merchants.pendingElsewhere(manager, nextCode);
    if (pending > 0) throw onlinePaymentsPending(pending);
  }

  /**
   * eSewa as this school's merchant; undefined when the school has none, or its secret does
   * not open here (sealed for another school, or under another deployment's key).
   * `startedWith` is the code a payment was started under: eSewa's status API knows the
   * payment by that code, whatever the school's merchant is now.
   */
  epayOf(
    schoolId: string,
    row: MerchantRow | undefined,
    startedWith?: string | null,
  ): EsewaEpay | undefined {
    const secretKey = row && this.secrets.open(schoolId, row.secret_sealed);
    if (!row || secretKey === undefined) return undefined;
    const productCode = startedWith ?? row.merchant_code;
    return new Epay({ productCode, secretKey }, this.config.billing.esewa);
  }

  /** As `epayOf`, refusing with 409 when the school cannot take online payments. */
  requireEpay(
    schoolId: string,
    row: MerchantRow | undefined,
    startedWith?: string | null,
  ): EsewaEpay {
    const epay = this.epayOf(schoolId, row, startedWith);
    if (!epay) throw onlinePaymentNotSetUp();
    return epay;
  }
}

const view = (row: MerchantRow): MerchantSettingsView => ({
  merchantCode: row.merchant_code,
  secretSet: true,
  updatedAt: row.updated_at,
});
