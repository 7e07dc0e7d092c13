import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export const MAX_PERIODS = 36;

export class InitPaymentDto {
  @ApiProperty({ example: 'basic' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{1,39}$/, { message: 'planCode must be a plan code such as basic' })
  planCode!: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_PERIODS, description: 'Periods to pay for' })
  @IsInt({ message: 'periods must be a whole number' })
  @Min(1)
  @Max(MAX_PERIODS)
  periods!: number;
}

export class VerifyPaymentQuery {
  @ApiProperty({ description: "eSewa's callback: base64 of its signed JSON answer" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  data!: string;
}

export class PaymentIdParams {
  @ApiProperty({ format: 'uuid', description: 'The payment' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class PaymentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'esewa' }) provider!: string;
  @ApiProperty({ format: 'uuid', description: 'Our transaction id, as the provider knows it' })
  transactionUuid!: string;
  @ApiProperty({ example: 'basic' }) planCode!: string;
  @ApiProperty({ example: 12 }) periods!: number;
  @ApiProperty({ example: 3000000, description: 'Minor units (paisa)' }) amountMinor!: number;
  @ApiProperty({ example: 0 }) taxMinor!: number;
  @ApiProperty({ example: 3000000 }) totalMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ enum: ['pending', 'complete', 'failed', 'refunded'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'COMPLETE' })
  providerStatus!: string | null;
  @ApiProperty({ type: String, nullable: true }) providerReference!: string | null;
  @ApiProperty({ type: Date, nullable: true, description: 'Subscription time it bought' })
  periodStart!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) periodEnd!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) checkedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) completedAt!: Date | null;
}

export class CheckoutView {
  @ApiProperty({ type: PaymentView }) payment!: PaymentView;
  @ApiProperty({ example: 'https://rc-epay.esewa.com.np/api/epay/main/v2/form' })
  formUrl!: string;
  @ApiProperty({ enum: ['POST'] }) method!: 'POST';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Post these as form fields to formUrl: amount, tax_amount, total_amount, transaction_uuid, product_code, product_service_charge, product_delivery_charge, success_url, failure_url, signed_field_names, signature',
  })
  fields!: Record<string, string>;
}
