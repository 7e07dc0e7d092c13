import { ApiProperty } from '@nestjs/swagger';

export class PlanView {
  @ApiProperty({ example: 'basic' }) code!: string;
  @ApiProperty({ example: 'Basic' }) name!: string;
  @ApiProperty({ example: 250000, description: 'Price of one period in minor units (paisa)' })
  priceMinor!: number;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ example: 1, description: 'Months in one period' }) periodMonths!: number;
  @ApiProperty({ type: Number, nullable: true, example: 300, description: 'null: no limit' })
  maxStudents!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 30, description: 'null: no limit' })
  maxStaff!: number | null;
  @ApiProperty({ description: 'False for the trial, which is given, not bought' })
  purchasable!: boolean;
}

export class UsageView {
  @ApiProperty({ example: 42 }) active!: number;
  @ApiProperty({ type: Number, nullable: true, example: 50 }) limit!: number | null;
}

export class SchoolUsageView {
  @ApiProperty({ type: UsageView }) students!: UsageView;
  @ApiProperty({ type: UsageView }) staff!: UsageView;
}

export type SubscriptionState = 'trialing' | 'active' | 'past_due' | 'canceled';

export class SubscriptionView {
  @ApiProperty({ type: PlanView }) plan!: PlanView;
  @ApiProperty({
    enum: ['trialing', 'active', 'past_due', 'canceled'],
    description: 'past_due once the current period has ended without a payment',
  })
  state!: SubscriptionState;
  @ApiProperty() currentPeriodStart!: Date;
  @ApiProperty() currentPeriodEnd!: Date;
  @ApiProperty({ type: SchoolUsageView }) usage!: SchoolUsageView;
}
