import { isSecretKey, withoutSecrets } from './audit-trail.writer';

describe('withoutSecrets', () => {
  it.each([
    'password',
    'newPassword',
    'refresh_token',
    'clientSecret',
    'passwordHash',
    'signature',
    'apiKey',
    'api_key',
    'APIKEY',
    'credentials',
    'sealedText',
    'otp',
    'otpCode',
    'login_otp',
    'pin',
    'pinCode',
    'PIN',
    'card-pin',
  ])('treats %s as secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['shipping', 'pinned', 'spinner', 'topic', 'hotpot', 'email', 'firstName', 'opinion'])(
    'keeps %s',
    (key) => expect(isSecretKey(key)).toBe(false),
  );

  it('filters nested objects and arrays, keeping everything else as it was', () => {
    const at = new Date('2026-11-30T08:00:00Z');
    expect(
      withoutSecrets({
        email: 'a@example.com',
        password: 'x',
        account: { username: 'ana', passwordHash: 'h', slip: { pinCode: '1234', shipping: 3 } },
        devices: [{ name: 'phone', apiKey: 'k' }, 'plain', 7, null, [{ otp: '1', ok: true }]],
        at,
      }),
    ).toEqual({
      email: 'a@example.com',
      account: { username: 'ana', slip: { shipping: 3 } },
      devices: [{ name: 'phone' }, 'plain', 7, null, [{ ok: true }]],
      at,
    });
  });
});
