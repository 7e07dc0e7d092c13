import { studentsCsv } from './imports';

describe('imports benchmark', () => {
  it('writes the students column contract, one new student per row, apart between rounds', () => {
    const lines = (batch: number) => studentsCsv(800, batch).trimEnd().split('\r\n');
    const [header, ...rows] = lines(3);
    expect(header).toBe(
      'admissionNumber,firstName,middleName,lastName,email,admissionDate,dateOfBirth,gender,status',
    );
    expect(rows).toHaveLength(800);
    for (const row of rows) {
      const cells = row.split(',');
      expect(cells).toHaveLength(9);
      expect(cells[5]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(cells[6]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['female', 'male']).toContain(cells[7]);
    }
    const numbers = (batch: number) =>
      lines(batch)
        .slice(1)
        .map((row) => row.split(',')[0]);
    expect(new Set([...numbers(3), ...numbers(4)]).size).toBe(1600);
  });
});
