import {
  emailAddressOf,
  phoneNumberOf,
  retryDelaySeconds,
  SMS_MAX_LENGTH,
  smsTextOf,
} from './deliveries.addresses';

describe('delivery addresses', () => {
  it.each([
    ['+977 981-234-5678', '+9779812345678'],
    ['00977 9812345678', '+9779812345678'],
    ['9812345678', '+9779812345678'],
    ['(+44) 20 7946 0958', '+442079460958'],
    ['01-4412345', null],
    ['+0123456789', null],
    ['+12', null],
    ['call me', null],
    ['', null],
    [null, null],
  ])('reads %p as %p', (raw, expected) => {
    expect(phoneNumberOf(raw)).toBe(expected);
  });

  it('keeps plausible mail addresses, lower-cased', () => {
    expect(emailAddressOf(' Gwen@Mail.Test ')).toBe('gwen@mail.test');
    expect(emailAddressOf('gwen@localhost')).toBeNull();
    expect(emailAddressOf('a b@mail.test')).toBeNull();
    expect(emailAddressOf(null)).toBeNull();
  });

  it('fits a text message within two segments, school and title first', () => {
    const text = smsTextOf('Oxford High', 'Results are out', 'x'.repeat(1000));
    expect(text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(text.startsWith('Oxford High: Results are out - xxx')).toBe(true);
    expect(smsTextOf('S', 'T', 'short\n body')).toBe('S: T - short body');
  });

  it('backs off fourfold per attempt', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([60, 240, 960, 3840]);
  });
});
