import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

export class MerchantSettingsDto {
  @ApiProperty({ example: 'EPAYTEST', description: "The school's eSewa merchant (product) code" })
  @trim
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, {
    message: 'merchantCode must be an eSewa merchant code (letters, digits, - and _)',
  })
  merchantCode!: string;

  @ApiProperty({ description: 'The secret key eSewa gave the school; never shown again' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{C}]+$/u, { message: 'secretKey must not contain control characters' })
  secretKey!: string;
}

export class MerchantSettingsView {
  @ApiProperty({ type: String, nullable: true, example: 'EPAYTEST' })
  merchantCode!: string | null;
  @ApiProperty({ description: 'Whether a secret is kept (it is never answered)' })
  secretSet!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: Date | null;
}

export class ChildInvoiceParams {
  @ApiProperty({ format: 'uuid', description: 'The child (a student linked to the caller)' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: "One of the child's invoices" })
  @IsUUID('all', { message: 'invoiceId must be a UUID' })
  invoiceId!: string;
}

export class EsewaVerifyQuery {
  @ApiProperty({ description: "eSewa's callback: base64 of its signed JSON answer" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  data!: string;
}

export class OnlinePaymentsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this student's payments" })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class OnlineReceiptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'R-000042' }) number!: string;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
}

export class OnlineInvoiceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INV-000042' }) number!: string;
  @ApiProperty({ example: 'paid', description: 'As shown: overdue when past due' })
  status!: string;
  @ApiProperty({ example: 0 }) balanceMinor!: number;
}

export class OnlinePaymentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() transactionUuid!: string;
  @ApiProperty({ enum: ['pending', 'complete', 'failed', 'refunded'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'COMPLETE' })
  providerStatus!: string | null;
  @ApiProperty({ type: String, nullable: true }) providerReference!: string | null;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: OnlineInvoiceView }) invoice!: OnlineInvoiceView;
  @ApiPropertyOptional({ type: OnlineReceiptView, nullable: true })
  receipt!: OnlineReceiptView | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checkedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: Date | null;
}

export class OnlineCheckoutView {
  @ApiProperty({ type: OnlinePaymentView }) payment!: OnlinePaymentView;
  @ApiProperty({ example: 'https://rc-epay.esewa.com.np/api/epay/main/v2/form' })
  formUrl!: string;
  @ApiProperty({ enum: ['POST'] }) method!: 'POST';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "The form's fields, signed with the school's merchant",
  })
  fields!: Record<string, string>;
}

export class FamilyStudentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
}

export class FamilyInvoiceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INV-000042' }) number!: string;
  @ApiProperty({ example: '2026-05' }) periodKey!: string;
  @ApiProperty({ example: '2026-05-01' }) periodStartsOn!: string;
  @ApiProperty({ example: '2026-05-31' }) periodEndsOn!: string;
  @ApiProperty({ example: '2026-05-10' }) dueOn!: string;
  @ApiProperty({ enum: ['issued', 'partly_paid', 'paid', 'void', 'overdue'] }) status!: string;
  @ApiProperty({ example: 500000 }) totalMinor!: number;
  @ApiProperty({ example: 0 }) creditedMinor!: number;
  @ApiProperty({ example: 0 }) paidMinor!: number;
  @ApiProperty({ example: 500000 }) balanceMinor!: number;
}

export class FamilyReceiptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'R-000042' }) number!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ enum: ['cash', 'bank', 'cheque', 'esewa'] }) method!: string;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
  @ApiProperty({ example: 500000 }) appliedMinor!: number;
  @ApiProperty({ example: '2026-05-04' }) receivedOn!: string;
}

export class FamilyFeesView {
  @ApiProperty({ type: FamilyStudentView }) student!: FamilyStudentView;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ example: 0, description: 'Money the school holds for the student' })
  creditMinor!: number;
  @ApiProperty({ description: 'Whether the school takes eSewa payments (has its own merchant)' })
  onlinePayment!: boolean;
  @ApiProperty({ type: [FamilyInvoiceView], description: 'Every invoice but drafts, newest first' })
  invoices!: FamilyInvoiceView[];
  @ApiProperty({ type: [FamilyReceiptView], description: 'Newest first' })
  receipts!: FamilyReceiptView[];
}
