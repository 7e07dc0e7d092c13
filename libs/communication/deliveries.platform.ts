import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { PlatformDatabase, quoteIdentifier, type School } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';

/** The school a delivery job serves, with the address its mail points to. */
export interface DeliveringSchool extends School {
  /** The school's primary host, where the mail's link leads. */
  host: string | null;
}

/** One `notification` mail, keyed by its delivery's idempotency key. */
export interface NotificationMail {
  key: string;
  to: string;
  title: string;
  body: string;
}

export interface MailLook {
  schoolName: string;
  locale: string;
  color: string | null;
}

/**
 * A delivery 'sending' for longer than this was left by a job that stopped between claiming
 * and recording (a job's batch normally takes seconds).
 */
export const SENDING_STALE_MINUTES = 10;

/** Schools examined per statement by the fleet sweep. */
const SWEEP_CHUNK = 200;

/**
 * The platform side of deliveries, as the platform role (reads `public.users`, may only insert
 * into `public.mail_outbox`), and the fleet sweep's look into every school, as the owner.
 */
@Injectable()
export class DeliveriesPlatformRepository {
  constructor(
    private readonly platform: PlatformDatabase,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
  ) {}

  async school(schoolId: string): Promise<DeliveringSchool | undefined> {
    const [school]: DeliveringSchool[] = await this.platform.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole",
              (SELECT d.host FROM public.domains d WHERE d.organization_id = o.id
                ORDER BY d.is_primary DESC, d.created_at LIMIT 1) AS host
         FROM public.organizations o WHERE o.id = $1`,
      [schoolId],
    );
    return school;
  }

  /** Each account's verified address, for the accounts that have one and are active. */
  async verifiedEmails(userIds: readonly string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows: Array<{ id: string; email: string }> = await this.platform.query(
      `SELECT id, email FROM public.users
        WHERE id = ANY($1::uuid[]) AND email IS NOT NULL AND email_verified_at IS NOT NULL
          AND is_active`,
      [userIds],
    );
    return new Map(rows.map((row) => [row.id, row.email]));
  }

  /**
   * Writes the mails in a platform transaction of its own, which commits before the deliveries
   * are marked sent. The dedupe key is the delivery's: a job retried after this commit, before
   * its mark, writes nothing the second time.
   */
  async queueMails(
    school: DeliveringSchool,
    look: MailLook,
    mails: NotificationMail[],
  ): Promise<void> {
    if (!mails.length || !school.host) return;
    await this.platform.transaction((manager) =>
      execute(
        manager,
        `INSERT INTO public.mail_outbox (recipient, template, params, organization_id, dedupe_key)
         SELECT m.recipient, 'notification',
                jsonb_build_object('host', $5::text, 'schoolName', $6::text, 'title', m.title,
                                   'body', m.body, 'locale', $7::text, 'color', $8::text),
                $9::uuid, 'notification:' || m.key
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                AS m(key, recipient, title, body)
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
        [
          mails.map((m) => m.key),
          mails.map((m) => m.to),
          mails.map((m) => m.title),
          mails.map((m) => m.body),
          school.host,
          look.schoolName,
          look.locale,
          look.color,
          school.id,
        ],
      ),
    );
  }

  /**
   * Active schools with a delivery due (pending and past its `not_before`), or one left
   * 'sending' by a stopped job (stale). Run as the owner: the school role cannot see the job queue,
   * one statement per 200 schools, each an index probe. Schools without the table are left out.
   */
  async schoolsWithDueDeliveries(): Promise<string[]> {
    const schools = await selectRows<{ id: string; schema_name: string }>(
      this.owner.manager,
      `SELECT o.id, o.schema_name
         FROM public.organizations o
         JOIN pg_namespace n ON n.nspname = o.schema_name
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'notification_deliveries'
        WHERE o.status = 'active'
        ORDER BY o.id`,
    );
    const found: string[] = [];
    for (let start = 0; start < schools.length; start += SWEEP_CHUNK) {
      const chunk = schools.slice(start, start + SWEEP_CHUNK);
      // Schema names come from the registry, checked and quoted by quoteIdentifier.
      const probes = chunk.map((school, i) => {
        const table = `${quoteIdentifier(school.schema_name)}.notification_deliveries`;
        return `SELECT $${i + 1}::uuid AS id WHERE EXISTS (
                  SELECT 1 FROM ${table} WHERE status = 'pending' AND not_before <= now())
                 OR EXISTS (SELECT 1 FROM ${table} WHERE status = 'sending'
                              AND not_before < now() - interval '${SENDING_STALE_MINUTES} minutes')`;
      });
      const rows = await selectRows<{ id: string }>(
        this.owner.manager,
        probes.join(' UNION ALL '),
        chunk.map((school) => school.id),
      );
      found.push(...rows.map((row) => row.id));
    }
    return found;
  }
}
