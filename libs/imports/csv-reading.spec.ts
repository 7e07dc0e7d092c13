import { readCsv } from './csv-reading';

const COLUMNS = ['name', 'note'] as const;
const read = (text: string | Buffer) =>
  readCsv(typeof text === 'string' ? Buffer.from(text) : text, COLUMNS, ['name']);

describe('readCsv', () => {
  it('reads a BOM, quoted commas and line breaks, trims cells and takes empty as absent', () => {
    const reading = read('\uFEFFname,note\r\n" Ann ","a, b"\r\nBo,"two\nlines"\r\nCy,\r\n');
    expect(reading).toEqual({
      errors: [],
      rows: [
        { row: 2, cells: { name: 'Ann', note: 'a, b' } },
        { row: 3, cells: { name: 'Bo', note: 'two\nlines' } },
        { row: 4, cells: { name: 'Cy', note: undefined } },
      ],
    });
  });

  it('undoes the exports’ formula escape, and only that', () => {
    const reading = read("name,note\r\n'=SUM(A1),'+1\r\n'-2,'plain\r\n");
    expect(reading.rows.map((r) => r.cells)).toEqual([
      { name: '=SUM(A1)', note: '+1' },
      { name: '-2', note: "'plain" },
    ]);
  });

  it('names the first line that is not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('name,note\nAnn,ok\n'),
      Buffer.from('Jos\xe9,x\n', 'latin1'),
    ]);
    expect(read(bytes).errors).toEqual([expect.objectContaining({ row: 3, code: 'BAD_ENCODING' })]);
  });

  it('refuses unknown, repeated and missing columns in the header', () => {
    expect(read('note,note,extra\r\nx,y,z\r\n').errors.map((e) => [e.column, e.code])).toEqual([
      ['note', 'BAD_HEADER'],
      ['extra', 'BAD_HEADER'],
      ['name', 'BAD_HEADER'],
    ]);
  });

  it('refuses a row of another width and a broken quote, guessing nothing', () => {
    expect(read('name,note\r\nAnn\r\nBo,x,y\r\n').errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'BAD_COLUMN_COUNT'],
      [3, 'BAD_COLUMN_COUNT'],
    ]);
    expect(read('name,note\r\n"Ann,x\r\n').errors).toEqual([
      expect.objectContaining({ code: 'BAD_CSV' }),
    ]);
  });
});
