import { Injectable } from '@nestjs/common';
import {
  deleteUnlessInUse,
  oneRow,
  patchOf,
  selectRows,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type FeeHeadDto, type FeeHeadView, type UpdateFeeHeadDto } from './dto/setup.dto';
import { feeThingNotFound } from './fees.errors';
import { feeHeadNameTaken } from './setup.errors';

const headNotFound = feeThingNotFound('fee head');
const NAME_TAKEN = { fee_heads_name_key: feeHeadNameTaken };

const HEAD_SELECT = `SELECT id, name, description, created_at AS "createdAt",
    updated_at AS "updatedAt" FROM fee_heads`;

/** Fee heads: what a school charges for (tuition, transport, exam). */
@Injectable()
export class FeeHeadsRepository {
  constructor(private readonly tenant: TenantContext) {}

  all(): Promise<FeeHeadView[]> {
    return selectRows(this.tenant.manager, `${HEAD_SELECT} ORDER BY lower(name)`);
  }

  find(id: string): Promise<FeeHeadView> {
    return oneRow(this.tenant.manager, `${HEAD_SELECT} WHERE id = $1`, [id], headNotFound);
  }

  async insert(head: FeeHeadDto): Promise<FeeHeadView> {
    const [row] = await uniqueOr(
      () =>
        selectRows<FeeHeadView>(
          this.tenant.manager,
          `INSERT INTO fee_heads (name, description) VALUES ($1, nullif($2, ''))
           RETURNING id, name, description, created_at AS "createdAt", updated_at AS "updatedAt"`,
          [head.name, head.description ?? null],
        ),
      NAME_TAKEN,
    );
    return row;
  }

  async update(id: string, changes: UpdateFeeHeadDto): Promise<void> {
    const plan = patchOf(changes, { name: 'name', description: 'description' }, ['name']);
    await updateRow(this.tenant.manager, 'fee_heads', id, plan, {
      conflicts: NAME_TAKEN,
      notFound: headNotFound,
    });
  }

  /** Refused (409 IN_USE, with counts) while a structure, concession or invoice names it. */
  delete(id: string): Promise<void> {
    return deleteUnlessInUse(
      this.tenant.manager,
      'fee_heads',
      id,
      {
        structureLines: 'SELECT count(*) FROM fee_structure_lines WHERE head_id = $1',
        concessions: 'SELECT count(*) FROM fee_concessions WHERE head_id = $1',
        invoiceLines: 'SELECT count(*) FROM fee_invoice_lines WHERE head_id = $1',
      },
      headNotFound,
    );
  }
}
