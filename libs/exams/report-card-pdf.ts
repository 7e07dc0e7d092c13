import PDFDocument from 'pdfkit';
import { type ReportCardView } from './dto/report-cards.dto';

/*
 * Report cards as PDF: A4, the standard Helvetica (no font files to ship), the school's
 * display name as the header and its primary colour for rules and headings, dates and numbers
 * written in the school's locale. One card starts a page; a long card continues on the next.
 */

const MARGIN = 50;
const A4_HEIGHT = 841.89;
const WIDTH = 595.28 - 2 * MARGIN;
const BOTTOM = A4_HEIGHT - MARGIN;
const ROW = 16;
/** Used when the school has no primary colour, or one PDF cannot read. */
const DEFAULT_COLOUR = '#1f2937';
const TEXT_COLOUR = '#111111';

/** One PDF holding each card in order; resolves once the document is complete. */
export function renderReportCards(cards: ReportCardView[], now = new Date()): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    info: {
      Title:
        cards.length === 1
          ? `Report card: ${fullName(cards[0].student)}, ${cards[0].term.name}`
          : `Report cards: ${cards[0]?.term.name ?? ''}`,
      Author: cards[0]?.school.displayName ?? 'Schoolyard',
      Producer: 'Schoolyard',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const card of cards) drawCard(doc, card, now);
  if (cards.length === 0) doc.addPage().font('Helvetica').text('No students in this section.');
  doc.end();
  return done;
}

export const fullName = (student: ReportCardView['student']) =>
  [student.firstName, student.middleName, student.lastName].filter(Boolean).join(' ');

/** The school's locale if Intl knows it, else English (a typo in settings must not fail a card). */
function localeOf(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? 'en';
  } catch {
    return 'en';
  }
}

function colourOf(colour: string | null): string {
  return colour && /^#[0-9a-f]{6}$/i.test(colour) ? colour : DEFAULT_COLOUR;
}

interface Writers {
  percent(value: number | null): string;
  number(value: number | null, digits?: 0 | 2): string;
  date(isoDate: string): string;
  issued(now: Date): string;
}

/**
 * Formatters by locale and zone, made once: building an Intl formatter costs more than
 * drawing a row, and a batch writes the same school's numbers hundreds of times.
 */
const writers = new Map<string, Writers>();

function writersFor(school: ReportCardView['school']): Writers {
  const key = `${school.locale}|${school.timezone}`;
  let made = writers.get(key);
  if (!made) {
    made = makeWriters(localeOf(school.locale), school.timezone);
    if (writers.size > 100) writers.clear();
    writers.set(key, made);
  }
  return made;
}

function makeWriters(locale: string, timezone: string): Writers {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const numbers = {
    0: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    2: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
  };
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  let issued: Intl.DateTimeFormat;
  try {
    issued = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: timezone });
  } catch {
    issued = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  }
  return {
    percent: (value) => (value === null ? '-' : percent.format(value / 100)),
    number: (value, digits = 2) => (value === null ? '-' : numbers[digits].format(value)),
    date: (isoDate) => day.format(new Date(`${isoDate}T00:00:00Z`)),
    issued: (now) => issued.format(now),
  };
}

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

function drawCard(doc: PDFKit.PDFDocument, card: ReportCardView, now: Date): void {
  const colour = colourOf(card.school.primaryColor);
  const write = writersFor(card.school);
  doc.addPage();

  doc.font('Helvetica-Bold').fontSize(20).fillColor(colour).text(card.school.displayName);
  rule(doc, colour, 2);
  doc.moveDown(0.4);
  doc
    .font('Helvetica-Bold')
    .fontSize(14)
    .fillColor(TEXT_COLOUR)
    .text(`Report card: ${card.term.name}, ${card.term.academicYear.name}`);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`${write.date(card.term.startsOn)} - ${write.date(card.term.endsOn)}`);
  doc.moveDown(0.6);

  const student = card.student;
  labelled(doc, 'Student', fullName(student));
  labelled(doc, 'Admission number', student.admissionNumber);
  labelled(doc, 'Section', student.section?.name ?? '-');
  labelled(doc, 'Level', student.level?.name ?? '-');
  if (!card.published) {
    doc.moveDown(0.3);
    doc
      .font('Helvetica-Oblique')
      .fillColor(colour)
      .text('Provisional: no exam of this term has been published yet.');
  }

  heading(doc, colour, 'Subjects');
  table(
    doc,
    colour,
    [
      { title: 'Subject', width: 150 },
      { title: 'Coursework', width: 65, align: 'right' },
      { title: 'Exams', width: 60, align: 'right' },
      { title: 'Term', width: 60, align: 'right' },
      { title: 'Grade', width: 40, align: 'center' },
      { title: 'GP', width: 35, align: 'right' },
      { title: 'Remark', width: WIDTH - 410 },
    ],
    card.subjects.map((subject) => [
      subject.name,
      subject.courseworkPercentage === null
        ? '-'
        : `${write.percent(subject.courseworkPercentage)} (${write.number(subject.courseworkWeight, 0)})`,
      write.percent(subject.examPercentage),
      write.percent(subject.percentage),
      subject.letter ?? '-',
      write.number(subject.gradePoint),
      subject.remark ?? '',
    ]),
    'No grades yet.',
  );
  doc.moveDown(0.4);
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .fillColor(TEXT_COLOUR)
    .text(
      `Overall: ${write.percent(card.overall.percentage)}   GPA: ${write.number(card.overall.gpa)}   Grade: ${card.overall.letter ?? '-'}`,
      MARGIN,
    );

  heading(doc, colour, 'Exams');
  table(
    doc,
    colour,
    [
      { title: 'Exam', width: 200 },
      { title: 'Total', width: 90, align: 'right' },
      { title: 'Percentage', width: 80, align: 'right' },
      { title: 'Grade', width: 60, align: 'center' },
      { title: 'Rank in section', width: WIDTH - 430, align: 'right' },
    ],
    card.exams.map((exam) => [
      exam.name,
      `${write.number(exam.total)} / ${write.number(exam.maxTotal)}`,
      write.percent(exam.percentage),
      exam.letter ?? '-',
      write.number(exam.sectionRank, 0),
    ]),
    'No published exams.',
  );

  heading(doc, colour, 'Attendance');
  const a = card.attendance;
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(TEXT_COLOUR)
    .text(
      `Present ${write.number(a.present, 0)}   Absent ${write.number(a.absent, 0)}   Late ${write.number(a.late, 0)}   Excused ${write.number(a.excused, 0)}   Rate ${a.rate === null ? '-' : write.percent(a.rate * 100)}`,
      MARGIN,
    );

  doc.moveDown(1.5);
  rule(doc, colour, 0.5);
  doc
    .moveDown(0.3)
    .font('Helvetica')
    .fontSize(8)
    .fillColor(TEXT_COLOUR)
    .text(`Issued on ${write.issued(now)} by ${card.school.displayName}.`, MARGIN);
}

function rule(doc: PDFKit.PDFDocument, colour: string, width: number): void {
  const y = doc.y + 2;
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + WIDTH, y)
    .lineWidth(width)
    .strokeColor(colour)
    .stroke();
  doc.y = y + width + 2;
}

function heading(doc: PDFKit.PDFDocument, colour: string, text: string): void {
  if (doc.y > BOTTOM - 4 * ROW) doc.addPage();
  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(12).fillColor(colour).text(text, MARGIN);
  rule(doc, colour, 1);
}

function labelled(doc: PDFKit.PDFDocument, label: string, value: string): void {
  const y = doc.y;
  doc.font('Helvetica-Bold').fontSize(10).fillColor(TEXT_COLOUR).text(label, MARGIN, y, {
    width: 120,
  });
  doc.font('Helvetica').text(value, MARGIN + 120, y, { width: WIDTH - 120 });
}

/** A table of one-line cells; rows past the page's end continue on a new page. */
function table(
  doc: PDFKit.PDFDocument,
  colour: string,
  columns: Column[],
  rows: string[][],
  empty: string,
): void {
  const line = (cells: string[], bold: boolean, tint: string) => {
    if (doc.y + ROW > BOTTOM) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor(tint);
    columns.forEach((column, i) => {
      doc.text(cells[i] ?? '', x + 2, y + 3, {
        width: column.width - 4,
        align: column.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += column.width;
    });
    doc.y = y + ROW;
  };
  line(
    columns.map((column) => column.title),
    true,
    colour,
  );
  if (rows.length === 0) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(9)
      .fillColor(TEXT_COLOUR)
      .text(empty, MARGIN + 2);
    return;
  }
  for (const row of rows) line(row, false, TEXT_COLOUR);
}
