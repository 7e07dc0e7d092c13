import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import {
  AccountView,
  IsRelationship,
  PageMeta,
  PersonDto,
  type Relationship,
  RELATIONSHIPS,
} from './person.dto';

export class CreateGuardianDto extends PersonDto {
  @ApiPropertyOptional({ example: '+44 20 7946 0958' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[0-9+()\-. ]+$/, { message: 'phone may hold digits, spaces and + ( ) - . only' })
  phone?: string;
}

export class UpdateGuardianDto extends PartialType(CreateGuardianDto) {}

export class LinkStudentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId!: string;

  @ApiProperty({ enum: RELATIONSHIPS })
  @IsRelationship()
  relationship!: Relationship;
}

export class GuardianLinkParams {
  @ApiProperty({ format: 'uuid', description: 'The guardian' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'A student linked to them' })
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId!: string;
}

export class ChildRefView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship!: string;
}

export class GuardianView {
  @ApiProperty({ format: 'uuid', description: "The guardian's profile id" }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: [ChildRefView] }) children!: ChildRefView[];
  @ApiPropertyOptional({ type: AccountView, nullable: true }) account!: AccountView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class GuardianPage {
  @ApiProperty({ type: [GuardianView] }) data!: GuardianView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class MyChildView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship!: string;
}
