import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { selectRow } from '@schoolyard/common';
import { DataSource } from 'typeorm';
import { type School } from './school';

interface SchoolRow extends Omit<School, 'rateLimits'> {
  /** NULL when the school has no subscription. */
  schoolPerMinute: number | null;
  clientPerMinute: number | null;
}

function schoolOf(row: SchoolRow): School {
  const { schoolPerMinute, clientPerMinute, ...school } = row;
  if (schoolPerMinute === null || clientPerMinute === null) return school;
  return { ...school, rateLimits: { schoolPerMinute, clientPerMinute } };
}

/** The host look-up, on the request pool: the login may read the registry and nothing else. */
@Injectable()
export class SchoolDirectoryStore {
  constructor(@InjectDataSource() private readonly requests: DataSource) {}

  async schoolByHost(host: string): Promise<School | null> {
    // The plan's rate limits ride on this query so a school costs one look-up, not two.
    const row = await selectRow<SchoolRow>(
      this.requests.manager,
      'SELECT * FROM public.school_by_host($1)',
      [host],
    );
    return row ? schoolOf(row) : null;
  }
}
