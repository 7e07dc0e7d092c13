import { selectRows } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

/** Rows fetched per round trip: small enough to stream, large enough to be few trips. */
export const EXPORT_PAGE_ROWS = 500;

/**
 * A server-side cursor over one SELECT in the open school transaction. It keeps the list's
 * own ORDER BY (whatever sort the caller chose) without a keyset per sort, and every page is
 * read from the one snapshot, so rows neither repeat nor go missing while others write. The
 * name is fixed: a request runs one export, and the transaction's end closes the cursor.
 */
export async function openCursor<Row>(
  manager: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<AsyncIterable<Row[]>> {
  await selectRows(manager, `DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, parameters);
  return pagesOf<Row>(manager);
}

async function* pagesOf<Row>(manager: EntityManager): AsyncGenerator<Row[]> {
  for (;;) {
    const rows = await selectRows<Row>(manager, `FETCH ${EXPORT_PAGE_ROWS} FROM export_rows`);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_PAGE_ROWS) return;
  }
}
