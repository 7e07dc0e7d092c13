import { Injectable } from '@nestjs/common';
import { type LateFinesView } from './dto/invoices.dto';
import { fineDayInTheFuture } from './invoices.errors';
import { LateFinesRepository } from './late-fines.repository';

/**
 * Late fines for the whole school at once. The rule (once per rule and invoice, past due and
 * grace, on what is still owed) lives in the one statement of the repository, so a run that
 * overlaps another, or repeats it, adds nothing twice.
 */
@Injectable()
export class LateFinesService {
  constructor(private readonly fines: LateFinesRepository) {}

  /**
   * `on` defaults to the school's today, read by PostgreSQL in the school's time zone. A later
   * day would fine invoices that are not late yet (ISO dates compare as text).
   */
  async apply(on: string | undefined): Promise<LateFinesView> {
    if (on !== undefined) {
      const today = await this.fines.today();
      if (on > today) throw fineDayInTheFuture(today);
    }
    return this.fines.apply(on ?? null);
  }
}
