import { Injectable } from '@nestjs/common';
import { execute, lockRow, oneRow, selectRows, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type GradingBandDto, type GradingScaleView } from './dto/grading-scales.dto';
import { examThingNotFound, scaleNameTaken } from './exams.errors';

const scaleNotFound = examThingNotFound('grading scale');

/** A scale with its bands, highest first, as the API answers it. */
const SCALE_SELECT = `SELECT gs.id, gs.name, gs.is_default AS "isDefault",
    coalesce((SELECT json_agg(json_build_object(
        'id', b.id, 'minPercent', b.min_percent::float8, 'letter', b.letter,
        'gradePoint', b.grade_point::float8, 'remark', b.remark) ORDER BY b.min_percent DESC)
      FROM grading_bands b WHERE b.scale_id = gs.id), '[]') AS bands,
    gs.created_at AS "createdAt", gs.updated_at AS "updatedAt"
  FROM grading_scales gs`;

const NAME_TAKEN = { grading_scales_name_key: scaleNameTaken };

export interface StoredBand {
  id: string;
  minPercent: number;
  letter: string;
}

/** Grading scales and their bands. */
@Injectable()
export class GradingScalesRepository {
  constructor(private readonly tenant: TenantContext) {}

  all(): Promise<GradingScaleView[]> {
    return selectRows<GradingScaleView>(
      this.tenant.manager,
      `${SCALE_SELECT} ORDER BY gs.is_default DESC, lower(gs.name)`,
    );
  }

  find(id: string): Promise<GradingScaleView> {
    return oneRow(this.tenant.manager, `${SCALE_SELECT} WHERE gs.id = $1`, [id], scaleNotFound);
  }

  /**
   * Holds the scale's row: FOR UPDATE while its bands or default flag change (a publication
   * reading the scale with FOR SHARE waits, so no result can point at a band being removed);
   * FOR KEY SHARE while an exam is made to name it (it cannot be deleted under the exam).
   */
  lock(id: string, mode: 'FOR UPDATE' | 'FOR KEY SHARE'): Promise<void> {
    return lockRow(this.tenant.manager, 'grading_scales', id, scaleNotFound, mode);
  }

  async insert(name: string): Promise<string> {
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          'INSERT INTO grading_scales (name) VALUES ($1) RETURNING id',
          [name],
        ),
      NAME_TAKEN,
    );
    return row.id;
  }

  async rename(id: string, name: string): Promise<void> {
    await uniqueOr(
      () =>
        execute(
          this.tenant.manager,
          'UPDATE grading_scales SET name = $2, updated_at = now() WHERE id = $1',
          [id, name],
        ),
      NAME_TAKEN,
    );
  }

  bandsOf(scaleId: string): Promise<StoredBand[]> {
    return selectRows<StoredBand>(
      this.tenant.manager,
      `SELECT id, min_percent::float8 AS "minPercent", letter FROM grading_bands
        WHERE scale_id = $1`,
      [scaleId],
    );
  }

  /** The first of `bandIds` that results (whole-exam or per paper) point at, with how many. */
  async firstBandInUse(
    bandIds: string[],
  ): Promise<{ id: string; letter: string; results: number } | undefined> {
    if (bandIds.length === 0) return undefined;
    const [row] = await selectRows<{ id: string; letter: string; results: number }>(
      this.tenant.manager,
      `SELECT * FROM (
         SELECT b.id, b.letter, b.min_percent,
                ((SELECT count(*) FROM exam_results r WHERE r.band_id = b.id)
               + (SELECT count(*) FROM exam_subject_results r WHERE r.band_id = b.id))::int
                  AS results
           FROM grading_bands b WHERE b.id = ANY($1::uuid[])) used
        WHERE results > 0 ORDER BY min_percent DESC LIMIT 1`,
      [bandIds],
    );
    return row && { id: row.id, letter: row.letter, results: row.results };
  }

  deleteBands(bandIds: string[]): Promise<number> {
    return execute(this.tenant.manager, 'DELETE FROM grading_bands WHERE id = ANY($1::uuid[])', [
      bandIds,
    ]);
  }

  /**
   * Moves kept bands to values no final band holds, so that the next statement can give them
   * their final values whatever the order (unique keys are checked row by row). `parking` is
   * a min_percent per band, free of every current and final value.
   */
  async park(bands: Array<{ id: string; parking: number }>): Promise<void> {
    if (bands.length === 0) return;
    await execute(
      this.tenant.manager,
      `UPDATE grading_bands b SET min_percent = p.parking, letter = '~' || b.id::text
         FROM unnest($1::uuid[], $2::numeric[]) AS p (id, parking) WHERE b.id = p.id`,
      [bands.map((band) => band.id), bands.map((band) => band.parking)],
    );
  }

  async updateBands(bands: Array<GradingBandDto & { id: string }>): Promise<void> {
    if (bands.length === 0) return;
    await execute(
      this.tenant.manager,
      `UPDATE grading_bands b
          SET min_percent = v.min_percent, letter = v.letter, grade_point = v.grade_point,
              remark = v.remark
         FROM unnest($1::uuid[], $2::numeric[], $3::text[], $4::numeric[], $5::text[])
              AS v (id, min_percent, letter, grade_point, remark)
        WHERE b.id = v.id`,
      columnsOf(bands, true),
    );
  }

  async insertBands(scaleId: string, bands: GradingBandDto[]): Promise<void> {
    if (bands.length === 0) return;
    await execute(
      this.tenant.manager,
      `INSERT INTO grading_bands (scale_id, min_percent, letter, grade_point, remark)
       SELECT $1, v.min_percent, v.letter, v.grade_point, v.remark
         FROM unnest($2::numeric[], $3::text[], $4::numeric[], $5::text[])
              AS v (min_percent, letter, grade_point, remark)`,
      [scaleId, ...columnsOf(bands, false)],
    );
  }

  /**
   * Makes `id` the one default. The table lock queues concurrent swaps one behind another:
   * each then sees the default the one before it set, and the partial unique index never
   * meets two.
   */
  async makeDefault(id: string): Promise<void> {
    await execute(this.tenant.manager, 'LOCK TABLE grading_scales IN SHARE ROW EXCLUSIVE MODE');
    await this.lock(id, 'FOR UPDATE');
    await execute(
      this.tenant.manager,
      `UPDATE grading_scales SET is_default = false, updated_at = now()
        WHERE is_default AND id <> $1`,
      [id],
    );
    await execute(
      this.tenant.manager,
      `UPDATE grading_scales SET is_default = true, updated_at = now()
        WHERE id = $1 AND NOT is_default`,
      [id],
    );
  }

  /** What still needs the scale: exams naming it, results graded in its bands. */
  usage(id: string): Promise<{ isDefault: boolean; exams: number; results: number }> {
    return oneRow(
      this.tenant.manager,
      `SELECT gs.is_default AS "isDefault",
              (SELECT count(*) FROM exams e WHERE e.grading_scale_id = gs.id)::int AS exams,
              ((SELECT count(*) FROM exam_results r JOIN grading_bands b ON b.id = r.band_id
                 WHERE b.scale_id = gs.id)
             + (SELECT count(*) FROM exam_subject_results r JOIN grading_bands b ON b.id = r.band_id
                 WHERE b.scale_id = gs.id))::int AS results
         FROM grading_scales gs WHERE gs.id = $1`,
      [id],
      scaleNotFound,
    );
  }

  delete(id: string): Promise<number> {
    return execute(this.tenant.manager, 'DELETE FROM grading_scales WHERE id = $1', [id]);
  }
}

function columnsOf(bands: GradingBandDto[], withIds: boolean): unknown[][] {
  const columns = [
    bands.map((band) => band.minPercent),
    bands.map((band) => band.letter),
    bands.map((band) => band.gradePoint ?? null),
    bands.map((band) => band.remark ?? null),
  ];
  return withIds ? [bands.map((band) => band.id), ...columns] : columns;
}
