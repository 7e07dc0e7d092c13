import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class SessionSchoolView {
  @ApiProperty({ example: 'oxford' }) slug!: string;
  @ApiProperty({ example: 'Oxford High' }) name!: string;
}

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({
    type: SessionSchoolView,
    nullable: true,
    description: "The school it was opened at; null for the platform's address",
  })
  school!: SessionSchoolView | null;
  @ApiProperty({ type: String, format: 'date-time', description: 'When it was signed in' })
  createdAt!: Date;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Its last sign-in or token refresh',
  })
  lastUsedAt!: Date;
  @ApiProperty({ description: 'Whether this request was made in it' }) current!: boolean;
}

export class SessionListView {
  @ApiProperty({ type: [SessionView], description: 'Live sessions, most recently used first' })
  data!: SessionView[];
}
