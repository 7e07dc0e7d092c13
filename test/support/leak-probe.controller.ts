import { Controller, Get, Query } from '@nestjs/common';
import { Route } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

export interface ProbeAnswer {
  displayName: string;
  searchPath: string;
  role: string;
  /** The PostgreSQL backend that served it: behind PgBouncer, fewer than the API's connections. */
  backend: number;
}

/**
 * Test-only endpoint: reports what the connection it ran on believes (search_path, role)
 * and the school's row; `mode=throw` writes then fails mid-transaction, `mode=slow` holds
 * the connection long enough for a client to hang up, `mode=sql` fails in PostgreSQL.
 */
@Controller('test/probe')
export class LeakProbeController {
  constructor(private readonly tenant: TenantContext) {}

  @Route({ at: 'school', access: 'public' })
  @Get()
  async probe(@Query('mode') mode?: string): Promise<ProbeAnswer> {
    const rows: Array<{
      display_name: string;
      search_path: string;
      role: string;
      backend: number;
    }> = await this.tenant.manager.query(
      `SELECT display_name, current_setting('search_path') AS search_path, current_user AS role,
                pg_backend_pid() AS backend
           FROM school_settings`,
    );
    if (mode === 'throw') {
      await this.tenant.manager.query(`UPDATE school_settings SET display_name = 'CORRUPTED'`);
      throw new Error('probe failed mid-transaction');
    }
    if (mode === 'sql') {
      await this.tenant.manager.query('SELECT secret_column FROM no_such_table WHERE 1 = 1');
    }
    if (mode === 'slow') await this.tenant.manager.query('SELECT pg_sleep(0.03)');
    return {
      displayName: rows[0].display_name,
      searchPath: rows[0].search_path,
      role: rows[0].role,
      backend: rows[0].backend,
    };
  }
}
