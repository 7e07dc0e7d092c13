/** What a seeded school teaches: a small, plausible primary and secondary curriculum. */
export const CATALOGUE = {
  programs: [
    {
      code: 'PRI',
      name: 'Primary School',
      levels: ['Grade 1', 'Grade 2', 'Grade 3', 'Grade 4', 'Grade 5'],
    },
    {
      code: 'SEC',
      name: 'Secondary School',
      levels: ['Grade 6', 'Grade 7', 'Grade 8', 'Grade 9', 'Grade 10'],
    },
  ],
  subjects: [
    { code: 'MATH', name: 'Mathematics' },
    { code: 'ENG', name: 'English' },
    { code: 'SCI', name: 'Science' },
    { code: 'SOC', name: 'Social Studies' },
    { code: 'ART', name: 'Art' },
    { code: 'PE', name: 'Physical Education' },
  ],
  departments: ['Mathematics', 'Languages', 'Sciences', 'Humanities', 'Arts', 'Sport'],
  otherJobs: ['Librarian', 'School Nurse', 'Accountant', 'Receptionist', 'Counsellor'],
  topics: [
    'fractions',
    'the water cycle',
    'persuasive writing',
    'ancient civilisations',
    'forces and motion',
    'maps and scale',
    'poetry',
    'ecosystems',
    'probability',
    'colour theory',
  ],
  feedback: [
    'Good work: show every step next time.',
    'Well argued, check your spelling.',
    'Please redo the second part and hand it in again.',
    'Excellent, clear and complete.',
    'A good start; the conclusion needs evidence.',
  ],
};

/** Seats per seeded section; sections are added until the students fit with room to spare. */
export const SECTION_CAPACITY = 30;

/** The school year a date falls in, as sections name it: a year starts in August. */
export function schoolYearOf(date: Date): string {
  const year = date.getUTCFullYear();
  const start = date.getUTCMonth() >= 7 ? year : year - 1;
  return `${start}-${start + 1}`;
}
