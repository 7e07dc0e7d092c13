import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Logger } from '@nestjs/common';
import { attachment, CSV_MEDIA_TYPE, type CsvCell, csvCell, toCsv } from '@schoolyard/common';
import { type FastifyReply } from 'fastify';

/*
 * A CSV answer written while it is read. The rows come from a cursor in the request's own
 * school transaction, a page at a time; the reply pulls the next page only when the socket
 * has taken the last one, so a school of any size never becomes one string in memory, and
 * a client that reads slowly holds one page, not the whole file. The handler waits until
 * the last byte is handed over (or the client has gone), so the transaction, and with it
 * the cursor and its snapshot, stay open exactly as long as the answer is being written.
 */

const logger = new Logger('Exports');

/** The header row (after the byte-order mark), then each page of rows as one chunk. */
async function* csvChunks<Row>(
  header: readonly string[],
  pages: AsyncIterable<Row[]>,
  line: (row: Row) => readonly CsvCell[],
): AsyncGenerator<string> {
  yield toCsv(header, []);
  for await (const rows of pages) {
    yield rows.map((row) => `${line(row).map(csvCell).join(',')}\r\n`).join('');
  }
}

/**
 * Sends the CSV and resolves once it has been written out or abandoned. Checks that can
 * refuse the request (a section out of reach, say) must run before: once the first byte is
 * sent, a failure can only cut the answer short.
 */
export async function streamCsv<Row>(
  reply: FastifyReply,
  filename: string,
  header: readonly string[],
  pages: AsyncIterable<Row[]>,
  line: (row: Row) => readonly CsvCell[],
): Promise<void> {
  const body = Readable.from(csvChunks(header, pages, line), { objectMode: false });
  void reply.type(CSV_MEDIA_TYPE).header('content-disposition', attachment(filename)).send(body);
  try {
    await finished(body);
  } catch (error) {
    // The status line has gone: the client sees a cut answer (no final chunk), never a
    // partial file presented as whole. Nothing was written, so the transaction may end.
    logger.warn({ err: error, filename }, 'export cut short');
  }
}

/** Today's date in UTC as YYYY-MM-DD, for file names (never built from input). */
export const exportDate = (): string => new Date().toISOString().slice(0, 10);
