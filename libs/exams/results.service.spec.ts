import { type StudentResultView } from './dto/results.dto';
import { classSummary } from './results.service';

const BANDS = [
  { letter: 'A', minPercent: 80 },
  { letter: 'B', minPercent: 50 },
  { letter: 'F', minPercent: 0 },
];

const subject = { id: 's1', code: 'ENG', name: 'English' };

function student(id: string, percentage: number, paper: number | null): StudentResultView {
  const letter = percentage >= 80 ? 'A' : percentage >= 50 ? 'B' : 'F';
  return {
    studentId: id,
    displayName: `Student ${id}`,
    admissionNumber: id,
    sectionRank: 1,
    total: percentage,
    maxTotal: 100,
    percentage,
    grade: { letter, gradePoint: null, remark: null },
    passed: percentage >= 50,
    papersAbsent: paper === null ? 1 : 0,
    subjects: [
      {
        paperId: 'p1',
        subject,
        marks: paper,
        maxMarks: 100,
        passMarks: 50,
        absent: paper === null,
        percentage: paper,
        grade: null,
        passed: paper !== null && paper >= 50,
      },
    ],
  };
}

describe('the class summary of a section', () => {
  it('takes the middle value of an odd count and lists every band', () => {
    const summary = classSummary(
      [student('a', 90, 90), student('b', 40, 40), student('c', 55.5, 55.5)],
      BANDS,
    );
    expect(summary).toMatchObject({
      students: 3,
      meanPercentage: 61.83,
      medianPercentage: 55.5,
      passed: 2,
      passRate: 0.6667,
    });
    expect(summary.grades).toEqual([
      { letter: 'A', minPercent: 80, count: 1 },
      { letter: 'B', minPercent: 50, count: 1 },
      { letter: 'F', minPercent: 0, count: 1 },
    ]);
  });

  it('lists every student tied at the top of a subject, and never an absent one', () => {
    const summary = classSummary(
      [student('a', 70, 70), student('b', 70, 70), student('c', 0, null), student('d', 20, 20)],
      BANDS,
    );
    expect(summary.medianPercentage).toBe(45);
    expect(summary.topBySubject).toEqual([
      {
        subject,
        marks: 70,
        percentage: 70,
        students: [
          { studentId: 'a', displayName: 'Student a' },
          { studentId: 'b', displayName: 'Student b' },
        ],
      },
    ]);
  });

  it('answers nulls, not zeros, for a section without results', () => {
    expect(classSummary([], BANDS)).toMatchObject({
      students: 0,
      meanPercentage: null,
      medianPercentage: null,
      passRate: null,
      topBySubject: [],
    });
  });
});
