import { csvCell, toCsv } from './csv';

describe('the fee reports CSV writer', () => {
  it('writes plain text, numbers and empty cells as they are', () => {
    expect(csvCell('Tuition')).toBe('Tuition');
    expect(csvCell(500000)).toBe('500000');
    expect(csvCell(-1500)).toBe('-1500');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('Pupil, Ana')).toBe('"Pupil, Ana"');
    expect(csvCell('The "big" fee')).toBe('"The ""big"" fee"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
  });

  it('never lets text start a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes a header and a CRLF-ended line per row after a byte-order mark', () => {
    expect(
      toCsv(
        ['name', 'amount'],
        [
          ['Ana', 100],
          ['=cmd', -5],
        ],
      ),
    ).toBe(`\uFEFFname,amount\r\nAna,100\r\n"'=cmd",-5\r\n`);
  });
});
