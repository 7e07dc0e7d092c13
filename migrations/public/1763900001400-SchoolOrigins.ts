import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Browser origins a school allows to call it with credentials (its own front end on another
 * domain), besides its own address. CORS is decided before anyone signs in, from the host
 * look-up, so the list lives in the registry and rides on `school_by_host`; a school writes
 * it through a function that names the calling school itself.
 */
export class SchoolOrigins1763900001400 implements MigrationInterface {
  name = 'SchoolOrigins1763900001400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE organizations ADD COLUMN cors_origins text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(cors_origins) <= 10);

      DROP FUNCTION school_by_host(text);
      CREATE FUNCTION school_by_host(host text)
        RETURNS TABLE (id uuid, slug text, name text, status text, "schemaName" text,
                       "dbRole" text, "schoolPerMinute" integer, "clientPerMinute" integer,
                       "corsOrigins" text[])
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT o.id, o.slug, o.name, o.status, o.schema_name, o.db_role,
               p.requests_per_minute, p.client_requests_per_minute, o.cors_origins
          FROM public.domains d JOIN public.organizations o ON o.id = d.organization_id
          LEFT JOIN public.subscriptions s ON s.organization_id = o.id
          LEFT JOIN public.plans p ON p.code = s.plan_code
         WHERE d.host = school_by_host.host
      $$;
      REVOKE ALL ON FUNCTION school_by_host(text) FROM PUBLIC;

      -- The registry's trigger announces the change, so every instance forgets the school.
      CREATE FUNCTION set_school_cors_origins(origins text[]) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        UPDATE public.organizations SET cors_origins = origins, updated_at = now()
         WHERE id = public.calling_school()
      $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION set_school_cors_origins(text[]);
      DROP FUNCTION school_by_host(text);
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
      ALTER TABLE organizations DROP COLUMN cors_origins;
    `);
  }
}
