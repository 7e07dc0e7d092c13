import { Injectable } from '@nestjs/common';
import { inUse, validationFailed, type FieldProblem } from '@schoolyard/common';
import { isForeignKeyViolation } from '@schoolyard/database';
import {
  type GradingBandDto,
  type GradingScaleDto,
  type GradingScaleView,
} from './dto/grading-scales.dto';
import { bandInUse, defaultScaleKept } from './exams.errors';
import { GradingScalesRepository, type StoredBand } from './grading-scales.repository';

/**
 * Grading scales: a percentage falls in the band with the highest minPercent not above it.
 * Results keep the band they fell in, so a band results point at stays for as long as they do.
 */
@Injectable()
export class GradingScalesService {
  constructor(private readonly scales: GradingScalesRepository) {}

  async list(): Promise<{ data: GradingScaleView[] }> {
    return { data: await this.scales.all() };
  }

  get(id: string): Promise<GradingScaleView> {
    return this.scales.find(id);
  }

  async create(scale: GradingScaleDto): Promise<GradingScaleView> {
    checkBands(scale.bands, []);
    const id = await this.scales.insert(scale.name);
    await this.scales.insertBands(id, scale.bands);
    return this.scales.find(id);
  }

  /**
   * Replaces the name and bands: bands sent with an id are changed, those not sent are
   * deleted, the others added. The scale's row is held first, so the check that no result
   * points at a deleted band and the deletion see the same results.
   */
  async replace(id: string, scale: GradingScaleDto): Promise<GradingScaleView> {
    await this.scales.lock(id, 'FOR UPDATE');
    const stored = await this.scales.bandsOf(id);
    checkBands(scale.bands, stored);
    const kept = new Set(scale.bands.flatMap((band) => (band.id ? [band.id] : [])));
    const removed = stored.filter((band) => !kept.has(band.id)).map((band) => band.id);
    const used = await this.scales.firstBandInUse(removed);
    if (used) throw bandInUse(used);

    await this.scales.rename(id, scale.name);
    try {
      await this.scales.deleteBands(removed);
    } catch (error) {
      // A result written without holding the scale (a publication that skipped its lock).
      if (isForeignKeyViolation(error)) throw inUse({ results: 1 });
      throw error;
    }
    const changed = scale.bands.filter((band): band is GradingBandDto & { id: string } =>
      Boolean(band.id),
    );
    await this.scales.park(parkingFor(changed, stored, scale.bands));
    await this.scales.updateBands(changed);
    await this.scales.insertBands(
      id,
      scale.bands.filter((band) => !band.id),
    );
    return this.scales.find(id);
  }

  async makeDefault(id: string): Promise<GradingScaleView> {
    await this.scales.makeDefault(id);
    return this.scales.find(id);
  }

  /** Deletes a scale no exam names and no result was graded in; never the default. */
  async remove(id: string): Promise<void> {
    await this.scales.lock(id, 'FOR UPDATE');
    const usage = await this.scales.usage(id);
    if (usage.isDefault) throw defaultScaleKept();
    const counts = Object.fromEntries(
      Object.entries({ exams: usage.exams, results: usage.results }).filter(([, n]) => n > 0),
    );
    if (Object.keys(counts).length) throw inUse(counts);
    await this.scales.delete(id);
  }
}

const cents = (percent: number) => Math.round(percent * 100);

/** 400 naming the field unless the bands start at 0 and are unique by minPercent and letter. */
function checkBands(bands: GradingBandDto[], stored: StoredBand[]): void {
  const problems: FieldProblem[] = [];
  if (!bands.some((band) => band.minPercent === 0)) {
    problems.push({ field: 'bands', problems: ['one band must start at minPercent 0'] });
  }
  const storedIds = new Set(stored.map((band) => band.id));
  const seen = { minPercent: new Set<number>(), letter: new Set<string>(), id: new Set<string>() };
  bands.forEach((band, i) => {
    const field = (name: string) => `bands.${i}.${name}`;
    if (seen.minPercent.has(cents(band.minPercent))) {
      problems.push({ field: field('minPercent'), problems: ['minPercent must be unique'] });
    }
    if (seen.letter.has(band.letter.toLowerCase())) {
      problems.push({ field: field('letter'), problems: ['letters must be unique'] });
    }
    if (band.id !== undefined) {
      if (!storedIds.has(band.id)) {
        problems.push({ field: field('id'), problems: ['id must be one of this scale’s bands'] });
      } else if (seen.id.has(band.id)) {
        problems.push({ field: field('id'), problems: ['each band may appear once'] });
      }
      seen.id.add(band.id);
    }
    seen.minPercent.add(cents(band.minPercent));
    seen.letter.add(band.letter.toLowerCase());
  });
  if (problems.length) throw validationFailed(problems);
}

/**
 * A free min_percent for every kept band: none that a band holds now or will hold, so that
 * neither the parking nor the final update meets a unique key. 10 001 values, at most 50 bands.
 */
function parkingFor(
  kept: Array<{ id: string }>,
  stored: StoredBand[],
  final: GradingBandDto[],
): Array<{ id: string; parking: number }> {
  const taken = new Set([...stored, ...final].map((band) => cents(band.minPercent)));
  const parked: Array<{ id: string; parking: number }> = [];
  let candidate = 10_000;
  for (const band of kept) {
    while (taken.has(candidate)) candidate -= 1;
    parked.push({ id: band.id, parking: candidate / 100 });
    candidate -= 1;
  }
  return parked;
}
