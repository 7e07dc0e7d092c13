import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { AcademicYearsRepository } from './academic-years.repository';
import { badCombination, termOutsideYear, termOverlap } from './calendar.errors';
import { type CreateTermDto, type TermView, type UpdateTermDto } from './dto/terms.dto';
import { TERM_FIELDS, TermsRepository } from './terms.repository';

/**
 * Terms of an academic year. Every write holds the year's row FOR UPDATE, so two terms written
 * at once cannot both pass the overlap check, nor the year move under them.
 */
@Injectable()
export class TermsService {
  constructor(
    private readonly terms: TermsRepository,
    private readonly years: AcademicYearsRepository,
  ) {}

  async listOf(academicYearId: string): Promise<TermView[]> {
    await this.years.find(academicYearId);
    return this.terms.ofYear(academicYearId);
  }

  async create(academicYearId: string, term: CreateTermDto): Promise<TermView> {
    checkOrder(term.startsOn, term.endsOn);
    await this.years.lockForUpdate(academicYearId);
    await this.refuseMisfit(academicYearId, term.startsOn, term.endsOn, null);
    return this.terms.find(await this.terms.insert(academicYearId, term));
  }

  async update(id: string, changes: UpdateTermDto): Promise<TermView> {
    const plan = patchOf(changes, TERM_FIELDS, ['name', 'startsOn', 'endsOn']);
    const { academicYearId } = await this.terms.find(id);
    await this.years.lockForUpdate(academicYearId);
    // Read again under the year's lock: a write to a term always holds it.
    const now = await this.terms.find(id);
    const startsOn = changes.startsOn ?? now.startsOn;
    const endsOn = changes.endsOn ?? now.endsOn;
    checkOrder(startsOn, endsOn);
    await this.refuseMisfit(academicYearId, startsOn, endsOn, id);
    await this.terms.update(id, plan);
    return this.terms.find(id);
  }

  remove(id: string): Promise<void> {
    return this.terms.remove(id);
  }

  /** 409 unless the dates lie inside the year and share no day with its other terms. */
  private async refuseMisfit(
    academicYearId: string,
    startsOn: string,
    endsOn: string,
    except: string | null,
  ): Promise<void> {
    const year = await this.years.find(academicYearId);
    if (startsOn < year.startsOn || endsOn > year.endsOn) {
      throw termOutsideYear({ startsOn: year.startsOn, endsOn: year.endsOn });
    }
    const other = await this.terms.clashing(academicYearId, startsOn, endsOn, except);
    if (other) throw termOverlap(other);
  }
}

function checkOrder(startsOn: string, endsOn: string): void {
  if (endsOn < startsOn) throw badCombination('endsOn', 'endsOn must not be before startsOn');
}
