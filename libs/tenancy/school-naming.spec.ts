import {
  checkSubdomain,
  identifierLiteral,
  quoteIdentifier,
  roleNameFor,
  schemaNameFor,
} from './school-naming';

describe('school naming', () => {
  it.each(['oxford', 'st-marys', 'a1', 'abc-123-def'])('accepts %s', (subdomain) => {
    expect(checkSubdomain(subdomain)).toEqual({ ok: true });
  });

  it.each([
    'a',
    '1abc',
    'Oxford',
    'ox_ford',
    'ox ford',
    'oxford-',
    'ox--ford',
    'x'.repeat(42),
    '',
    'ox.ford',
    "o'; drop table x",
  ])('refuses malformed %j', (subdomain) => {
    expect(checkSubdomain(subdomain)).toMatchObject({ ok: false, problem: 'INVALID' });
  });

  it.each([
    'www',
    'api',
    'admin',
    'public',
    'pg-catalog',
    'pg-toast',
    'wpad',
    'autodiscover',
    'sso',
    'secure',
    'mail',
    'smtp',
    'imap',
    'ftp',
    'status',
    'cdn',
    'esewa',
  ])('refuses reserved %s', (s) => {
    expect(checkSubdomain(s)).toMatchObject({ ok: false, problem: 'RESERVED' });
  });

  it('maps subdomains to schema and role names one-to-one', () => {
    expect(schemaNameFor('st-marys')).toBe('school_st_marys');
    expect(roleNameFor('st-marys', '0a1b2c3d')).toBe('school_st_marys_0a1b2c3d');
    expect(roleNameFor('x'.repeat(41), '0a1b2c3d').length).toBeLessThanOrEqual(63);
  });

  it('never derives a name from an invalid subdomain', () => {
    expect(() => schemaNameFor('WWW')).toThrow();
    expect(() => schemaNameFor('www')).toThrow();
    expect(() => roleNameFor('oxford', 'zz')).toThrow();
  });

  it('quotes only identifiers it could have produced', () => {
    expect(quoteIdentifier('school_oxford')).toBe('"school_oxford"');
    expect(identifierLiteral('school_oxford')).toBe("'school_oxford'");
    expect(() => quoteIdentifier('school"; drop')).toThrow();
    expect(() => identifierLiteral("x'y")).toThrow();
  });
});
