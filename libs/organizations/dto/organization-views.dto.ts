import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OrganizationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'oxford' }) slug!: string;
  @ApiProperty({ example: 'Oxford High School' }) name!: string;
  @ApiProperty({ enum: ['active', 'suspended', 'archived'] }) status!: string;
  @ApiProperty({ example: 'oxford.localhost' }) host!: string;
  @ApiProperty() createdAt!: Date;
}

export class OwnerView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({
    example: 'alicejoneswilliams',
    description: "The owner's username at this school",
  })
  username!: string;
  @ApiProperty() email!: string;
  @ApiProperty({
    description:
      'False for a new account: a verification message went to the email; the owner can work meanwhile',
  })
  emailVerified!: boolean;
}

export class RegistrationView {
  @ApiProperty({ type: OrganizationView }) organization!: OrganizationView;
  @ApiProperty({ type: OwnerView }) owner!: OwnerView;
}

export class DomainAvailabilityView {
  @ApiProperty() subdomain!: string;
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ enum: ['INVALID', 'RESERVED', 'TAKEN'] }) reason?: string;
}
