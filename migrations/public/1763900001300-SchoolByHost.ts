import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The host look-up every request starts with, with the school's plan limits riding on it.
 * The request login may read the host registry (organizations, domains) and nothing else
 * before it switches role; this function answers the one row a host names, plan included,
 * without opening subscriptions and plans to the login.
 */
export class SchoolByHost1763900001300 implements MigrationInterface {
  name = 'SchoolByHost1763900001300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION school_by_host(host text)
        RETURNS TABLE (id uuid, slug text, name text, status text, "schemaName" text,
                       "dbRole" text, "schoolPerMinute" integer, "clientPerMinute" integer)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT o.id, o.slug, o.name, o.status, o.schema_name, o.db_role,
               p.requests_per_minute, p.client_requests_per_minute
          FROM public.domains d JOIN public.organizations o ON o.id = d.organization_id
          LEFT JOIN public.subscriptions s ON s.organization_id = o.id
          LEFT JOIN public.plans p ON p.code = s.plan_code
         WHERE d.host = school_by_host.host
      $$;
      REVOKE ALL ON FUNCTION school_by_host(text) FROM PUBLIC;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION school_by_host(text)`);
  }
}
