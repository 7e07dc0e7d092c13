import {
  type CheckedMail,
  checkMail,
  dayInWords,
  expiryInWords,
  linkHostName,
  renderMail,
} from './mail-templates';

const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
const now = new Date('2026-11-30T10:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function checked(template: string, params: object): CheckedMail {
  const mail = checkMail(template, params);
  if ('problem' in mail) throw new Error(mail.problem);
  return mail;
}

describe('mail templates', () => {
  it.each([
    ['verify-email', {}, '/verify-email', 'Confirm your email address'],
    ['password-reset', {}, '/reset-password', 'Reset your Schoolyard password'],
    [
      'link-invitation',
      { schoolName: 'Oxford Primary' },
      '/accept-link',
      'Oxford Primary invites you to use your Schoolyard account there',
    ],
  ])(
    'renders %s with its link, its expiry in words and the token on a line of its own',
    (template, extra, path, subject) => {
      const mail = renderMail(
        checked(template, { token, host: 'oxford.schoolyard.test', ...extra }),
        {
          scheme: 'https',
          expiresAt: at(48 * 3600),
          now,
        },
      );
      expect(mail.subject).toBe(subject);
      expect(mail.text).toContain(`\nhttps://oxford.schoolyard.test${path}?token=${token}\n`);
      expect(mail.text).toContain('expires in 48 hours (2026-12-02 10:00 UTC)');
      expect(mail.text.split('\n')).toContain(token);
    },
  );

  it('keeps a port in the link and says only "works once" when the expiry is unknown', () => {
    const mail = renderMail(checked('verify-email', { token, host: 'localhost:3000' }), {
      scheme: 'http',
      expiresAt: null,
      now,
    });
    expect(mail.text).toContain(`http://localhost:3000/verify-email?token=${token}`);
    expect(mail.text).toContain('It works once.');
    expect(mail.text).not.toContain('expires');
  });

  it("adds the public port to a host that names none, unless it is the scheme's own", () => {
    const link = (scheme: 'http' | 'https', port: number | undefined) =>
      renderMail(checked('verify-email', { token, host: 'oxford.localhost' }), {
        scheme,
        port,
        expiresAt: null,
        now,
      }).text;
    expect(link('http', 3000)).toContain(`http://oxford.localhost:3000/verify-email?token=`);
    expect(link('https', 443)).toContain(`https://oxford.localhost/verify-email?token=`);
    expect(link('https', undefined)).toContain(`https://oxford.localhost/verify-email?token=`);
  });

  it("puts a school's name on one line of the subject", () => {
    const mail = renderMail(
      checked('link-invitation', { token, host: 'a.test', schoolName: 'Evil\r\nBcc: x@y.z' }),
      { scheme: 'https', expiresAt: null, now },
    );
    expect(mail.subject).toBe('Evil Bcc: x@y.z invites you to use your Schoolyard account there');
  });

  it('renders an absence alert with the child, the day in words and the school address, no token', () => {
    const mail = renderMail(
      checked('absence-alert', {
        host: 'oxford.schoolyard.test',
        schoolName: 'Oxford\r\nPrimary',
        studentName: 'Ana Pupil',
        date: '2026-11-30',
      }),
      { scheme: 'https', expiresAt: null, now },
    );
    expect(mail.subject).toBe(
      'Ana Pupil was absent from Oxford Primary on Monday 30 November 2026',
    );
    expect(mail.text).toContain('\nhttps://oxford.schoolyard.test/\n');
    expect(mail.text).not.toContain('token');
  });

  it.each([
    ['2026-11-30', 'Monday 30 November 2026'],
    ['2024-02-29', 'Thursday 29 February 2024'],
    ['2027-01-03', 'Sunday 3 January 2027'],
  ])('says the local date %s as "%s"', (date, words) => {
    expect(dayInWords(date)).toBe(words);
  });

  it.each([
    ['not-a-template', { token, host: 'a.test' }, /unknown template/],
    ['verify-email', { host: 'a.test' }, /parameters missing: token/],
    ['link-invitation', { token, host: 'a.test' }, /parameters missing: schoolName/],
    ['password-reset', 'not an object', /parameters missing: token, host/],
    ['verify-email', { token: 'short', host: 'a.test' }, /not a mailed token/],
    [
      'absence-alert',
      { host: 'a.test', schoolName: 'S', date: '2026-11-30' },
      /missing: studentName/,
    ],
    [
      'absence-alert',
      { host: 'a.test', schoolName: 'S', studentName: 'A', date: 'Monday' },
      /not a date/,
    ],
  ])('refuses %s with %j, naming the problem', (template, params, problem) => {
    const mail = checkMail(template, params);
    expect('problem' in mail && mail.problem).toMatch(problem);
  });

  it('never repeats a token in a problem', () => {
    const mail = checkMail('verify-email', { token: `${token} with spaces`, host: 'a.test' });
    expect('problem' in mail && mail.problem).not.toContain(token);
  });

  it.each([
    [30 * 60, '30 minutes'],
    [60 * 60 - 5, '1 hour'],
    [90 * 60, '90 minutes'],
    [3 * 3600, '3 hours'],
    [48 * 3600 - 3, '48 hours'],
    [14 * 86_400 - 10, '14 days'],
    [-10, '1 minute'],
  ])('says %i seconds as "%s"', (seconds, words) => {
    expect(expiryInWords(at(seconds), now)).toBe(words);
  });

  it.each([
    ['Oxford.Schoolyard.test', 'oxford.schoolyard.test'],
    ['localhost:3000', 'localhost'],
    ['evil.test/path', null],
    ['user@evil.test', null],
    ['', null],
  ])('reads the host name of %j as %j', (host, name) => {
    expect(linkHostName(host)).toBe(name);
  });

  it('renders a notification with its title as the subject, in Nepali for a ne school', () => {
    const params = {
      host: 'oxford.schoolyard.test',
      schoolName: 'Oxford\nPrimary',
      title: 'Results are out',
      body: 'Term results are published.',
    };
    const english = renderMail(checked('notification', params), {
      scheme: 'https',
      expiresAt: null,
      now,
    });
    expect(english.subject).toBe('Results are out');
    expect(english.text).toContain('Term results are published.');
    expect(english.text).toContain('From Oxford Primary.');
    expect(english.text).toContain('https://oxford.schoolyard.test/');
    const nepali = renderMail(checked('notification', { ...params, locale: 'ne-NP' }), {
      scheme: 'https',
      expiresAt: null,
      now,
    });
    expect(nepali.text.startsWith('नमस्ते,')).toBe(true);
    expect(nepali.text).not.toContain('Sign in');
    expect(checkMail('notification', { host: 'a.test', schoolName: 'S', title: 'T' })).toEqual({
      problem: 'parameters missing: body',
    });
  });
});
