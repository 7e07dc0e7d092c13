import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Satisfies } from '@schoolyard/common';
import { IsOptional, IsUUID } from 'class-validator';

/** `2026-11-01`: a calendar date that exists (no 31 June), as the school writes its days. */
export function isLocalDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

const LocalDate = (field: string) =>
  Satisfies('isLocalDate', isLocalDate, `${field} must be a date such as 2026-11-01`);

const uuid = (field: string) => IsUUID('all', { message: `${field} must be a UUID` });

/** The longest window of the collections report: a year, with a leap day. */
export const MAX_REPORT_DAYS = 366;

export class CollectionsQuery {
  @ApiProperty({ format: 'date', example: '2026-04-01', description: "First day (school's date)" })
  @LocalDate('from')
  from!: string;

  @ApiProperty({
    format: 'date',
    example: '2026-04-30',
    description: `Last day, included; at most ${MAX_REPORT_DAYS} days in all`,
  })
  @LocalDate('to')
  to!: string;
}

export class DuesQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this year's invoices" })
  @IsOptional()
  @uuid('academicYearId')
  academicYearId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Students now in a section of this level' })
  @IsOptional()
  @uuid('levelId')
  levelId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Students now in this section' })
  @IsOptional()
  @uuid('sectionId')
  sectionId?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: "The day the ages are counted on (default: the school's today)",
  })
  @IsOptional()
  @LocalDate('on')
  on?: string;
}

export class StatementQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this year's invoices and payments" })
  @IsOptional()
  @uuid('academicYearId')
  academicYearId?: string;
}

export class CollectionRowView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ enum: ['cash', 'bank', 'cheque', 'esewa'] }) method!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
}

export class RefundDayView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ example: 20000 }) amountMinor!: number;
}

export class MethodTotalView {
  @ApiProperty({ enum: ['cash', 'bank', 'cheque', 'esewa'] }) method!: string;
  @ApiProperty() count!: number;
  @ApiProperty() amountMinor!: number;
}

export class CollectionTotalsView {
  @ApiProperty() receiptCount!: number;
  @ApiProperty() receivedMinor!: number;
  @ApiProperty() refundCount!: number;
  @ApiProperty() refundedMinor!: number;
  @ApiProperty({ description: 'Received less refunded' }) netMinor!: number;
  @ApiProperty({ type: [MethodTotalView] }) byMethod!: MethodTotalView[];
}

export class CollectionsView {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: [CollectionRowView], description: 'Per day and method, by day' })
  receipts!: CollectionRowView[];
  @ApiProperty({ type: [RefundDayView], description: 'Per day, by day' })
  refunds!: RefundDayView[];
  @ApiProperty({ type: CollectionTotalsView }) totals!: CollectionTotalsView;
}

export class AgedMinorView {
  @ApiProperty({ description: 'Not yet due on the day' }) notDue!: number;
  @ApiProperty({ description: '0 to 30 days past due' }) d0_30!: number;
  @ApiProperty() d31_60!: number;
  @ApiProperty() d61_90!: number;
  @ApiProperty({ description: 'More than 90 days past due' }) d90Plus!: number;
}

export class DuesRowView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Their current section' })
  sectionName!: string | null;
  @ApiProperty({ description: 'Invoices with something owed' }) invoices!: number;
  @ApiProperty({ type: AgedMinorView }) agedMinor!: AgedMinorView;
  @ApiProperty() totalMinor!: number;
}

export class DuesTotalsView {
  @ApiProperty() students!: number;
  @ApiProperty({ type: AgedMinorView }) agedMinor!: AgedMinorView;
  @ApiProperty() totalMinor!: number;
}

export class DuesView {
  @ApiProperty({ format: 'date' }) on!: string;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: [DuesRowView], description: 'By last name, then first name' })
  students!: DuesRowView[];
  @ApiProperty({ type: DuesTotalsView }) totals!: DuesTotalsView;
}

export const STATEMENT_KINDS = ['invoice', 'credit_note', 'receipt', 'refund'] as const;

export class StatementEntryView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ enum: STATEMENT_KINDS }) kind!: (typeof STATEMENT_KINDS)[number];
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INV-000042' }) number!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Charged to the student (invoices, refunds paid out)' })
  debitMinor!: number;
  @ApiProperty({ description: 'In their favour (receipts, credit notes)' }) creditMinor!: number;
  @ApiProperty({ description: 'Debits less credits so far; below zero the school holds money' })
  runningBalanceMinor!: number;
}

export class StatementStudentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
}

export class StatementView {
  @ApiProperty({ type: StatementStudentView }) student!: StatementStudentView;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) academicYearId!: string | null;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: [StatementEntryView], description: 'In date order' })
  entries!: StatementEntryView[];
  @ApiProperty({ description: "The student's credit account: money the school holds for them" })
  creditMinor!: number;
  @ApiProperty({ description: 'Still owed on their issued invoices' }) balanceMinor!: number;
}
