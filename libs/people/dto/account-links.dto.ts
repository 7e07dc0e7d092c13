import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class AcceptLinkDto {
  @ApiProperty({ description: 'The token from the invitation mail' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;

  @ApiPropertyOptional({
    description: "The invited account's password, when accepting without being signed in as it",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;
}

export class LinkedSchoolView {
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Where to sign in to this school' }) host!: string;
}

export class AcceptedLinkView {
  @ApiProperty({ type: LinkedSchoolView }) school!: LinkedSchoolView;
  @ApiProperty({ description: 'Your username at that school; your password is unchanged' })
  username!: string;
}
