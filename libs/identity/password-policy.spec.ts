import { passwordProblems } from './password-policy';

describe('password policy', () => {
  it('accepts a long, personal-free, uncommon password', () => {
    expect(
      passwordProblems('violet tractor umbrella', ['alicejones', 'alice@example.org']),
    ).toEqual([]);
  });

  it('refuses short passwords', () => {
    expect(passwordProblems('short1!', [])).toEqual([expect.stringMatching(/at least 10/)]);
  });

  it('refuses the username or email in any case', () => {
    expect(passwordProblems('AliceJonesW', ['alicejonesw'])).toEqual([
      expect.stringMatching(/username or email/),
    ]);
    expect(passwordProblems('alice@example.org', [null, 'Alice@Example.org'])).toEqual([
      expect.stringMatching(/username or email/),
    ]);
  });

  it.each(['1234567890', 'qwertyuiop', 'Password123', 'iloveyou12'])(
    'refuses the common password %s',
    (p) => {
      expect(passwordProblems(p, [])).toContainEqual(expect.stringMatching(/well-known/));
    },
  );
});
