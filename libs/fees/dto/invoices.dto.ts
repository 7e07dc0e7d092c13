import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsLocalDate } from '@schoolyard/calendar';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { INVOICE_STATUSES, type InvoiceStatus } from '../fees-ledger';

/** `annual`, a month `YYYY-MM` or a term `term:<id>`: the invoice's period key. */
export const PERIOD_PATTERN =
  /^(annual|\d{4}-(0[1-9]|1[0-2])|term:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export class GenerateInvoicesDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'academicYearId must be a UUID' })
  academicYearId!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Every section of this level (or sectionId)',
  })
  @ValidateIf((dto: GenerateInvoicesDto) => dto.sectionId === undefined)
  @IsUUID('all', { message: 'levelId must be a UUID (or send sectionId)' })
  levelId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One section (or levelId)' })
  @ValidateIf(
    (dto: GenerateInvoicesDto) => dto.levelId === undefined || dto.sectionId !== undefined,
  )
  @IsUUID('all', { message: 'sectionId must be a UUID (or send levelId)' })
  sectionId?: string;

  @ApiProperty({
    example: '2026-09',
    description:
      '`annual` (once lines), `YYYY-MM` (monthly lines) or `term:<termId>` (per-term lines)',
  })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: 'period must be annual, YYYY-MM or term:<termId>' })
  period!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Answer what would be issued, write nothing',
  })
  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun: boolean = false;

  @ApiPropertyOptional({ default: false, description: 'Write drafts, issued later one by one' })
  @IsOptional()
  @IsBoolean({ message: 'asDraft must be true or false' })
  asDraft: boolean = false;
}

export class InvoiceListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'academicYearId must be a UUID' })
  academicYearId?: string;

  @ApiPropertyOptional({
    enum: INVOICE_STATUSES,
    description: 'overdue: issued or partly paid, past due',
  })
  @IsOptional()
  @IsIn(INVOICE_STATUSES, { message: `status must be one of ${INVOICE_STATUSES.join(', ')}` })
  status?: InvoiceStatus;

  @ApiPropertyOptional({ example: '2026-09' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: 'periodKey must be annual, YYYY-MM or term:<termId>' })
  periodKey?: string;
}

export class VoidInvoiceDto {
  @ApiProperty({ example: 'Billed twice by mistake', maxLength: 500 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'reason must not be empty' })
  @MaxLength(500)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'reason must not contain control characters' })
  reason!: string;
}

export class ApplyLateFinesDto {
  @IsLocalDate('on', '2026-10-01', {
    optional: true,
    description: "The day the fines are for (default: the school's today)",
  })
  on?: string;
}

export class InvoiceLineView {
  @ApiProperty({ format: 'uuid', required: false }) id?: string;
  @ApiProperty({ enum: ['fee', 'late_fine'] }) kind!: 'fee' | 'late_fine';
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) headId!: string | null;
  @ApiProperty({ example: 'Tuition' }) description!: string;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
  @ApiProperty({ example: 0 }) concessionMinor!: number;
  @ApiProperty({ example: 500000 }) netMinor!: number;
}

export class InvoiceMoneyRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'R-000042' }) number!: string;
  @ApiProperty() amountMinor!: number;
  @ApiProperty({ format: 'date' }) on!: string;
}

export class InvoiceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INV-000042' }) number!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() studentName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ format: 'uuid' }) academicYearId!: string;
  @ApiProperty({ example: '2026-09' }) periodKey!: string;
  @ApiProperty({ format: 'date' }) periodStartsOn!: string;
  @ApiProperty({ format: 'date' }) periodEndsOn!: string;
  @ApiProperty({ format: 'date' }) issuedOn!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ enum: INVOICE_STATUSES }) status!: InvoiceStatus;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty() totalMinor!: number;
  @ApiProperty() creditedMinor!: number;
  @ApiProperty() paidMinor!: number;
  @ApiProperty() balanceMinor!: number;
  @ApiProperty({ description: 'Days of the period billed (mid-year admission)' })
  billedDays!: number;
  @ApiProperty() periodDays!: number;
  @ApiProperty({ type: String, nullable: true }) voidReason!: string | null;
}

export class InvoiceDetailView extends InvoiceView {
  @ApiProperty({ type: [InvoiceLineView] }) lines!: InvoiceLineView[];
  @ApiProperty({ type: [InvoiceMoneyRefView] }) receipts!: InvoiceMoneyRefView[];
  @ApiProperty({ type: [InvoiceMoneyRefView] }) creditNotes!: InvoiceMoneyRefView[];
}

export class InvoicePage {
  @ApiProperty({ type: [InvoiceView] }) data!: InvoiceView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class GenerationPeriodView {
  @ApiProperty({ example: '2026-09' }) key!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date' }) endsOn!: string;
}

export class GeneratedInvoiceView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() studentName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty() totalMinor!: number;
  @ApiProperty() billedDays!: number;
  @ApiProperty() periodDays!: number;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ type: [InvoiceLineView] }) lines!: InvoiceLineView[];
}

export class SkippedStudentView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'No fee structure for the level or its program this year' })
  reason!: string;
}

export class GenerationView {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: GenerationPeriodView }) period!: GenerationPeriodView;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ description: 'Invoices written (or that would be)' }) issued!: number;
  @ApiProperty() totalMinor!: number;
  @ApiProperty({ type: [GeneratedInvoiceView] }) invoices!: GeneratedInvoiceView[];
  @ApiProperty({ type: [String], description: 'Students already invoiced for the period' })
  existing!: string[];
  @ApiProperty({ type: [SkippedStudentView] }) skipped!: SkippedStudentView[];
}

export class LateFinesView {
  @ApiProperty({ format: 'date' }) on!: string;
  @ApiProperty({ description: 'Fine lines added' }) fines!: number;
  @ApiProperty({ description: 'Invoices fined' }) invoices!: number;
  @ApiProperty() totalMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
}
