import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * eSewa ePay v2 signs a message made of `name=value` pairs joined by commas, in the order
 * `signed_field_names` lists them, with HMAC-SHA256 and the merchant's secret, written in
 * base64. Requests sign `total_amount,transaction_uuid,product_code`; callbacks list their own.
 */
export const REQUEST_SIGNED_FIELDS = 'total_amount,transaction_uuid,product_code';

/** The fields every signature must cover, whatever else it lists. */
export const REQUIRED_SIGNED_FIELDS = ['total_amount', 'transaction_uuid', 'product_code'];

export function signatureMessage(
  fields: Readonly<Record<string, string>>,
  signedFieldNames: string,
): string {
  return signedFieldNames
    .split(',')
    .map((name) => {
      const value = fields[name];
      if (value === undefined) throw new Error(`signed field ${name} is missing`);
      return `${name}=${value}`;
    })
    .join(',');
}

export function esewaSignature(secretKey: string, message: string): string {
  return createHmac('sha256', secretKey).update(message, 'utf8').digest('base64');
}

/** Compares in constant time, so the answer's timing tells a forger nothing. */
export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'base64');
  const b = Buffer.from(given, 'base64');
  // Decoding drops what is not base64; the re-encoding must equal what was given.
  if (b.toString('base64') !== given) return false;
  return a.length === b.length && timingSafeEqual(a, b);
}
