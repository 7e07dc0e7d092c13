import { globalUsernameFor, localUsernameBase, nextFreeUsername } from './usernames';

describe('local usernames', () => {
  it.each([
    [['Alice', 'Jones', 'Williams'], 'alicejoneswilliams'],
    [['José', null, 'Núñez'], 'josenunez'],
    [['José', '', 'Núñez'], 'josenunez'],
    [['Zoë', 'Ørsted', 'Straße'], 'zoeorstedstrasse'],
    [['Mary-Jane', undefined, "O'Neil 3rd"], 'maryjaneoneil3rd'],
    [['李', null, '王'], 'user'],
  ])('%j → %s', ([first, middle, last], expected) => {
    expect(localUsernameBase(first as string, middle as string | null, last as string)).toBe(
      expected,
    );
  });

  it('appends 2, 3, … on collision', () => {
    expect(nextFreeUsername('alice', [])).toBe('alice');
    expect(nextFreeUsername('alice', ['alice'])).toBe('alice2');
    expect(nextFreeUsername('alice', ['alice', 'alice2', 'alice3'])).toBe('alice4');
    expect(nextFreeUsername('alice', ['alice', 'alice3'])).toBe('alice2');
  });

  it('makes global usernames of the form <local>_<6 hex>', () => {
    const names = new Set(Array.from({ length: 50 }, () => globalUsernameFor('alice')));
    for (const name of names) expect(name).toMatch(/^alice_[0-9a-f]{6}$/);
    expect(names.size).toBeGreaterThan(45);
  });
});
