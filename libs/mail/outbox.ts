/**
 * Mail leaves through `public.mail_outbox`: a row written in the transaction of the change
 * that causes it (a rolled-back change sends nothing), delivered later by a job. A row names a
 * template and its parameters, never a ready text, so whoever writes rows cannot write mail.
 */

/** What each template needs. `host` is where the link in the message points. */
export interface MailTemplates {
  'verify-email': { token: string; host: string };
  'link-invitation': { token: string; host: string; schoolName: string };
  'password-reset': { token: string; host: string };
  /**
   * A child was marked absent and no approved note covers the day: `date` is the school's
   * local date (YYYY-MM-DD), `host` the school's address, where the guardian sends a note.
   */
  'absence-alert': { host: string; schoolName: string; studentName: string; date: string };
  /**
   * A notification of the inbox also sent by email: its title (the subject) and body, in the
   * school's language (`locale` 'ne': Nepali words around them, English otherwise). `color` is
   * the school's brand colour, kept for a transport that renders more than plain text.
   */
  notification: {
    host: string;
    schoolName: string;
    title: string;
    body: string;
    locale?: string;
    color?: string | null;
  };
}

export type MailTemplate = keyof MailTemplates;

export interface OutgoingMail<T extends MailTemplate = MailTemplate> {
  to: string;
  template: T;
  params: MailTemplates[T];
  /** The school on whose behalf it goes, if any (kept for the operator's records). */
  organizationId?: string | null;
}

/** Anything that runs SQL in the caller's transaction: a TypeORM manager or a pg client. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
