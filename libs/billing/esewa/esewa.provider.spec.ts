import { loadConfig } from '@schoolyard/config';
import { CallbackRefused } from '../payment-provider';
import { esewaSignature, signatureMessage, signaturesMatch } from './esewa-signature';
import { EsewaProvider } from './esewa.provider';
import { parseFlatJson } from './flat-json';

/** eSewa's test merchant and secret, as its developer documentation publishes them. */
const TEST_SECRET = '8gBm/:&EnhH.1/q';

/**
 * The success answer from eSewa's ePay v2 documentation: the browser comes back with this JSON,
 * base64-encoded, as `?data=`. Its total is the JSON number 1000.0, signed as the text "1000.0".
 */
const DOCUMENTED_CALLBACK =
  '{"transaction_code":"000AWEO","status":"COMPLETE","total_amount":1000.0,' +
  '"transaction_uuid":"250610-162413","product_code":"EPAYTEST",' +
  '"signed_field_names":"transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names",' +
  '"signature":"62GcfZTmVkzhtUeh+QJ1AqiJrjoWWGof3U+eTPTZ7fA="}';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('eSewa ePay v2', () => {
  const provider = new EsewaProvider(loadConfig({}));

  it("signs the worked example of eSewa's documentation", () => {
    // Documented request: amount 100 + tax 10 = total 110, transaction 241028, merchant EPAYTEST.
    const message = signatureMessage(
      { total_amount: '110', transaction_uuid: '241028', product_code: 'EPAYTEST' },
      'total_amount,transaction_uuid,product_code',
    );
    expect(message).toBe('total_amount=110,transaction_uuid=241028,product_code=EPAYTEST');
    expect(esewaSignature(TEST_SECRET, message)).toBe(
      'i94zsd3oXF6ZsSr/kGqT4sSzYQzjj1W/waxjWyRwaME=',
    );
  });

  it('answers the form fields of the documented example, signed', () => {
    const checkout = provider.checkout(
      { transactionUuid: '241028', amountMinor: 10_000n, taxMinor: 1_000n, totalMinor: 11_000n },
      { success: 'https://oxford.example/success', failure: 'https://oxford.example/failure' },
    );
    expect(checkout).toEqual({
      formUrl: 'https://rc-epay.esewa.com.np/api/epay/main/v2/form',
      method: 'POST',
      fields: {
        amount: '100',
        tax_amount: '10',
        total_amount: '110',
        transaction_uuid: '241028',
        product_code: 'EPAYTEST',
        product_service_charge: '0',
        product_delivery_charge: '0',
        success_url: 'https://oxford.example/success',
        failure_url: 'https://oxford.example/failure',
        signed_field_names: 'total_amount,transaction_uuid,product_code',
        signature: 'i94zsd3oXF6ZsSr/kGqT4sSzYQzjj1W/waxjWyRwaME=',
      },
    });
  });

  it("accepts the documentation's success callback, reading its amount as signed", () => {
    expect(provider.readCallback(base64(DOCUMENTED_CALLBACK))).toEqual({
      transactionUuid: '250610-162413',
      totalMinor: 100_000n,
      status: 'COMPLETE',
      reference: '000AWEO',
    });
    // A query string that was not URL-encoded turns + into a space; that is still eSewa's data.
    expect(provider.readCallback(base64(DOCUMENTED_CALLBACK).replace(/\+/g, ' ')).totalMinor).toBe(
      100_000n,
    );
  });

  const refusal = (data: string) => {
    try {
      provider.readCallback(data);
    } catch (error) {
      if (error instanceof CallbackRefused) return error.reason;
      throw error;
    }
    return 'accepted';
  };

  it('refuses a callback whose amount, transaction or signature was changed', () => {
    expect(refusal(base64(DOCUMENTED_CALLBACK.replace('1000.0', '10.0')))).toBe('bad_signature');
    // Same value, other text: eSewa signed the text, so this is not what it signed.
    expect(refusal(base64(DOCUMENTED_CALLBACK.replace('1000.0', '1000')))).toBe('bad_signature');
    expect(refusal(base64(DOCUMENTED_CALLBACK.replace('250610-162413', '250610-162414')))).toBe(
      'bad_signature',
    );
    expect(refusal(base64(DOCUMENTED_CALLBACK.replace('62GcfZ', '62GcfA')))).toBe('bad_signature');
    // Dropping the amount from the signed list does not make an unsigned amount acceptable.
    expect(
      refusal(
        base64(
          DOCUMENTED_CALLBACK.replace(
            'transaction_code,status,total_amount,transaction_uuid',
            'transaction_code,status,transaction_uuid',
          ),
        ),
      ),
    ).toBe('bad_signature');
  });

  it('refuses what is not a callback at all', () => {
    expect(refusal('')).toBe('malformed');
    expect(refusal('not base64!')).toBe('malformed');
    expect(refusal(base64('[1, 2]'))).toBe('malformed');
    expect(refusal(base64('{"status":"COMPLETE"}'))).toBe('malformed');
    expect(refusal('A'.repeat(5000))).toBe('malformed');
  });

  it("refuses another merchant's callback even when its signature is right", () => {
    const other = new EsewaProvider(loadConfig({ ESEWA_PRODUCT_CODE: 'SCHOOLYARD' }));
    expect(() => other.readCallback(base64(DOCUMENTED_CALLBACK))).toThrow(
      expect.objectContaining({ reason: 'wrong_merchant' }),
    );
  });

  it('compares signatures in full, and only well-formed base64', () => {
    const good = '62GcfZTmVkzhtUeh+QJ1AqiJrjoWWGof3U+eTPTZ7fA=';
    expect(signaturesMatch(good, good)).toBe(true);
    expect(signaturesMatch(good, good.slice(0, -4))).toBe(false);
    expect(signaturesMatch(good, `${good} `)).toBe(false);
    expect(signaturesMatch(good, '')).toBe(false);
  });

  it('keeps numbers as written and only the top-level text values', () => {
    expect(
      parseFlatJson('{"a":1000.0,"b":"x,\\"1.50\\"","c":null,"d":{"e":"f"},"g":-2.50e1}'),
    ).toEqual({ a: '1000.0', b: 'x,"1.50"', g: '-2.50e1' });
    expect(parseFlatJson('nope')).toBeUndefined();
  });
});
