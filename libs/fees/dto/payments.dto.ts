import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMeta, PageQuery, Satisfies } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

export const COUNTER_METHODS = ['cash', 'bank', 'cheque'] as const;
export type CounterMethod = (typeof COUNTER_METHODS)[number];
export const RECEIPT_METHODS = [...COUNTER_METHODS, 'esewa'] as const;
export type ReceiptMethod = (typeof RECEIPT_METHODS)[number];
export const CREDIT_ENTRY_KINDS = ['excess_payment', 'credit_note', 'refund'] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

/** The largest amount one payment, note or refund may carry: 10^12 minor units. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

const NO_CONTROL = /^(?:[^\p{Cc}]|[\n\t])*$/u;

function isLocalDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const IsLocalDate = (field: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', example: '2026-11-30', description }),
    IsOptional(),
    (target: object, property: string | symbol) =>
      Satisfies(
        'isLocalDate',
        isLocalDate,
        `${field} must be a date such as 2026-11-30`,
      )(target, String(property)),
  );

const AmountMinor = (description: string) =>
  applyDecorators(
    ApiProperty({ minimum: 1, maximum: MAX_AMOUNT_MINOR, example: 500000, description }),
    IsInt({ message: 'amountMinor must be a whole number of minor units' }),
    Min(1, { message: 'amountMinor must be at least 1' }),
    Max(MAX_AMOUNT_MINOR, { message: `amountMinor must be at most ${MAX_AMOUNT_MINOR}` }),
  );

const Method = () =>
  applyDecorators(
    ApiProperty({ enum: COUNTER_METHODS }),
    IsIn(COUNTER_METHODS, { message: `method must be one of ${COUNTER_METHODS.join(', ')}` }),
  );

/** A bank transfer or a cheque is traced by its reference; cash may carry one. */
const Reference = () =>
  applyDecorators(
    ApiPropertyOptional({
      maxLength: 100,
      example: 'CHQ 004512',
      description: 'Required for bank and cheque: the transfer or cheque number',
    }),
    trim,
    ValidateIf(
      (body: { method?: string; reference?: unknown }) =>
        body.method === 'bank' || body.method === 'cheque' || body.reference !== undefined,
    ),
    IsString({ message: 'reference must be text' }),
    IsNotEmpty({ message: 'a bank or cheque payment needs its reference' }),
    MaxLength(100),
    Matches(/^[^\p{C}]*$/u, { message: 'reference must not contain control characters' }),
  );

const Reason = () =>
  applyDecorators(
    ApiProperty({ maxLength: 500, example: 'Sibling discount agreed by the principal' }),
    trim,
    IsString(),
    IsNotEmpty({ message: 'reason must not be empty' }),
    MaxLength(500),
    Matches(NO_CONTROL, { message: 'reason must not contain control characters' }),
  );

export class TakePaymentDto {
  @Method() method!: CounterMethod;
  @AmountMinor('Money received, in minor units; beyond the balance it becomes credit')
  amountMinor!: number;
  @Reference() reference?: string;
  @IsLocalDate('receivedOn', "The school's day the money came in (default today; not later)")
  receivedOn?: string;
}

export class IssueCreditNoteDto {
  @AmountMinor('What the note takes off the invoice, in minor units') amountMinor!: number;
  @Reason() reason!: string;
}

export class RefundCreditDto {
  @AmountMinor("What is paid back out of the student's credit, in minor units")
  amountMinor!: number;
  @Method() method!: CounterMethod;
  @Reference() reference?: string;
  @Reason() reason!: string;
}

export class StudentFilterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only those of this student' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class ReceiptsQuery extends StudentFilterQuery {
  @IsLocalDate('from', 'Received on or after this day') from?: string;
  @IsLocalDate('to', 'Received on or before this day') to?: string;

  @ApiPropertyOptional({ enum: RECEIPT_METHODS })
  @IsOptional()
  @IsIn(RECEIPT_METHODS, { message: `method must be one of ${RECEIPT_METHODS.join(', ')}` })
  method?: ReceiptMethod;
}

export class InvoiceRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INV-000042' }) number!: string;
}

export class ReceiptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'R-000042' }) number!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) studentName!: string;
  @ApiProperty({ type: InvoiceRef }) invoice!: InvoiceRef;
  @ApiProperty({ enum: RECEIPT_METHODS }) method!: ReceiptMethod;
  @ApiProperty({ description: 'Money received' }) amountMinor!: number;
  @ApiProperty({ description: "What went to the invoice's balance" }) appliedMinor!: number;
  @ApiProperty({ description: "What went to the student's credit" }) creditedMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who took it (null for eSewa)' })
  receivedBy!: string | null;
  @ApiProperty() receivedAt!: Date;
  @ApiProperty({ format: 'date' }) receivedOn!: string;
}

export class ReceiptPage {
  @ApiProperty({ type: [ReceiptView] }) data!: ReceiptView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class CreditNoteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CN-000007' }) number!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() studentName!: string;
  @ApiProperty({ type: InvoiceRef }) invoice!: InvoiceRef;
  @ApiProperty() amountMinor!: number;
  @ApiProperty({ description: "Paid money the note freed, moved to the student's credit" })
  movedToCreditMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true }) issuedBy!: string | null;
  @ApiProperty() issuedAt!: Date;
  @ApiProperty({ format: 'date' }) issuedOn!: string;
}

export class CreditNotePage {
  @ApiProperty({ type: [CreditNoteView] }) data!: CreditNoteView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class RefundView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'RF-000003' }) number!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() studentName!: string;
  @ApiProperty() amountMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ enum: COUNTER_METHODS }) method!: CounterMethod;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true }) refundedBy!: string | null;
  @ApiProperty() refundedAt!: Date;
  @ApiProperty({ format: 'date' }) refundedOn!: string;
}

export class RefundPage {
  @ApiProperty({ type: [RefundView] }) data!: RefundView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class CreditEntryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CREDIT_ENTRY_KINDS }) kind!: CreditEntryKind;
  @ApiProperty({ description: 'Positive: money the school now holds; negative: paid back' })
  amountMinor!: number;
  @ApiProperty({ description: 'The receipt, credit note or refund, e.g. R-000042' })
  source!: string;
  @ApiProperty({ format: 'uuid' }) sourceId!: string;
  @ApiProperty() createdAt!: Date;
}

export class StudentAccountView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() studentName!: string;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ description: 'Money the school holds for the student (sum of the entries)' })
  balanceMinor!: number;
  @ApiProperty({ type: [CreditEntryView], description: 'Newest first' })
  entries!: CreditEntryView[];
}
