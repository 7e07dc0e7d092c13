import { Injectable } from '@nestjs/common';
import { type LateFinesView } from './dto/invoices.dto';
import { LateFinesRepository } from './late-fines.repository';

/**
 * Late fines for the whole school at once. The rule (once per rule and invoice, past due and
 * grace, on what is still owed) lives in the one statement of the repository, so a run that
 * overlaps another, or repeats it, adds nothing twice.
 */
@Injectable()
export class LateFinesService {
  constructor(private readonly fines: LateFinesRepository) {}

  /** `on` defaults to the school's today, read by PostgreSQL in the school's time zone. */
  apply(on: string | undefined): Promise<LateFinesView> {
    return this.fines.apply(on ?? null);
  }
}
