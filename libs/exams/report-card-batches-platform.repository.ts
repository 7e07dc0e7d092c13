import { Injectable } from '@nestjs/common';
import { PlatformDatabase, type School } from '@schoolyard/tenancy';

/** The school a batch job serves, read as the platform role. */
@Injectable()
export class ReportCardBatchesPlatformRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  async school(schoolId: string): Promise<School | undefined> {
    const [school]: School[] = await this.platform.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.organizations o WHERE o.id = $1`,
      [schoolId],
    );
    return school;
  }
}
