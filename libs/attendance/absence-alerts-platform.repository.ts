import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRows } from '@schoolyard/common';
import { type OrganizationStatus, OWNER_DATA_SOURCE } from '@schoolyard/database';
import { PlatformDatabase, quoteIdentifier, type School } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';

/** The school an alert job serves, with the address its mail points to. */
export interface AlertingSchool extends School {
  status: OrganizationStatus;
  /** The school's primary host, where a guardian signs in to answer. */
  host: string | null;
}

/** One mail an alert may send, if its guardian's account has a verified email. */
export interface AlertMail {
  alertId: string;
  userId: string;
  studentName: string;
  date: string;
}

/** Schools examined per statement by the fleet sweep. */
const SWEEP_CHUNK = 200;

/**
 * The platform side of absence alerts: the school a job serves and the mail it writes, as the
 * platform role (which reads `public.users` and may only insert into `public.mail_outbox`),
 * and the fleet sweep's look into every school, as the owner.
 */
@Injectable()
export class AbsenceAlertsPlatformRepository {
  constructor(
    private readonly platform: PlatformDatabase,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
  ) {}

  async school(schoolId: string): Promise<AlertingSchool | undefined> {
    const [school]: AlertingSchool[] = await this.platform.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole",
              (SELECT d.host FROM public.domains d WHERE d.organization_id = o.id
                ORDER BY d.is_primary DESC, d.created_at LIMIT 1) AS host
         FROM public.organizations o WHERE o.id = $1`,
      [schoolId],
    );
    return school;
  }

  /**
   * One `absence-alert` mail per alert whose guardian's account has a verified email, in a
   * platform transaction of its own that commits before the alerts are marked sent. The
   * dedupe key names the alert: a job retried after this commit, before its mark, writes
   * nothing the second time. An account without a verified address gets the in-app
   * notification only.
   */
  async queueMails(school: AlertingSchool, mails: AlertMail[]): Promise<number> {
    if (!mails.length || !school.host) return 0;
    return this.platform.transaction((manager) =>
      execute(
        manager,
        `INSERT INTO public.mail_outbox (recipient, template, params, organization_id, dedupe_key)
         SELECT u.email, 'absence-alert',
                jsonb_build_object('host', $5::text, 'schoolName', $6::text,
                                   'studentName', m.student_name, 'date', m.on_date),
                $7::uuid, 'attendance-alert:' || m.alert_id
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
                AS m(alert_id, user_id, student_name, on_date)
           JOIN public.users u ON u.id = m.user_id
          WHERE u.email IS NOT NULL AND u.email_verified_at IS NOT NULL AND u.is_active
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
        [
          mails.map((m) => m.alertId),
          mails.map((m) => m.userId),
          mails.map((m) => m.studentName),
          mails.map((m) => m.date),
          school.host,
          school.name,
          school.id,
        ],
      ),
    );
  }

  /**
   * Active schools with an alert pending for longer than `minutes`: their job was lost (the
   * process died between the register's commit and sending it) or spent its retries. Run as
   * the owner: one statement per 200 schools, each school an index probe of its pending
   * alerts (`attendance_alerts_pending_idx`). A school not yet migrated to attendance has no
   * such table and is left out.
   */
  async schoolsWithStaleAlerts(minutes: number): Promise<string[]> {
    const schools = await selectRows<{ id: string; schema_name: string }>(
      this.owner.manager,
      `SELECT o.id, o.schema_name
         FROM public.organizations o
         JOIN pg_namespace n ON n.nspname = o.schema_name
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'attendance_alerts'
        WHERE o.status = 'active'
        ORDER BY o.id`,
    );
    const found: string[] = [];
    for (let start = 0; start < schools.length; start += SWEEP_CHUNK) {
      const chunk = schools.slice(start, start + SWEEP_CHUNK);
      // Schema names come from the registry, checked and quoted by quoteIdentifier.
      const probes = chunk.map(
        (school, i) =>
          `SELECT $${i + 2}::uuid AS id WHERE EXISTS (
             SELECT 1 FROM ${quoteIdentifier(school.schema_name)}.attendance_alerts
              WHERE sent_at IS NULL AND cancelled_at IS NULL
                AND created_at < now() - make_interval(mins => $1))`,
      );
      const rows = await selectRows<{ id: string }>(
        this.owner.manager,
        probes.join(' UNION ALL '),
        [minutes, ...chunk.map((school) => school.id)],
      );
      found.push(...rows.map((row) => row.id));
    }
    return found;
  }
}
