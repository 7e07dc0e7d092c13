import { Injectable } from '@nestjs/common';
import { patchOf } from '@schoolyard/common';
import { ACADEMIC_YEAR_COLUMNS, AcademicYearsRepository } from './academic-years.repository';
import { academicYearOverlap, badCombination, termsOutsideYear } from './calendar.errors';
import {
  type AcademicYearView,
  type CreateAcademicYearDto,
  type UpdateAcademicYearDto,
} from './dto/academic-years.dto';

/** Academic years: named spans of dates that never share a day, one of them current. */
@Injectable()
export class AcademicYearsService {
  constructor(private readonly years: AcademicYearsRepository) {}

  list(): Promise<AcademicYearView[]> {
    return this.years.list();
  }

  get(id: string): Promise<AcademicYearView> {
    return this.years.find(id);
  }

  async create(year: CreateAcademicYearDto): Promise<AcademicYearView> {
    checkOrder(year.startsOn, year.endsOn);
    await this.years.lockYears();
    await this.refuseOverlap(year.startsOn, year.endsOn, null);
    return this.years.find(await this.years.insert(year));
  }

  async update(id: string, changes: UpdateAcademicYearDto): Promise<AcademicYearView> {
    const plan = patchOf(changes, ACADEMIC_YEAR_COLUMNS, ['name', 'startsOn', 'endsOn']);
    if (changes.startsOn !== undefined || changes.endsOn !== undefined) {
      // The table lock first (other years' dates hold still), then this year's row (its
      // terms hold still: they are written under it).
      await this.years.lockYears();
      await this.years.lockForUpdate(id);
      const now = await this.years.find(id);
      const startsOn = changes.startsOn ?? now.startsOn;
      const endsOn = changes.endsOn ?? now.endsOn;
      checkOrder(startsOn, endsOn);
      await this.refuseOverlap(startsOn, endsOn, id);
      const stranded = await this.years.termsOutside(id, startsOn, endsOn);
      if (stranded.length) throw termsOutsideYear(stranded);
    }
    await this.years.update(id, plan);
    return this.years.find(id);
  }

  /** Makes the year current and the previous current year not, in this one transaction. */
  async makeCurrent(id: string): Promise<AcademicYearView> {
    await this.years.lockYears();
    await this.years.makeCurrent(id);
    return this.years.find(id);
  }

  remove(id: string): Promise<void> {
    return this.years.remove(id);
  }

  private async refuseOverlap(startsOn: string, endsOn: string, except: string | null) {
    const other = await this.years.clashing(startsOn, endsOn, except);
    if (other) throw academicYearOverlap(other);
  }
}

/** A year ends after it starts (the table says so too; this answers 400 instead of 500). */
function checkOrder(startsOn: string, endsOn: string): void {
  if (endsOn <= startsOn) throw badCombination('endsOn', 'endsOn must be after startsOn');
}
