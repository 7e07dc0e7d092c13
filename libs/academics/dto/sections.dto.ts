import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { CodedRefView, IsId, IsName, IsSort, PersonRefView, RefView } from './fields.dto';

export const MAX_SECTION_CAPACITY = 1000;

export class CreateSectionDto {
  @IsId('levelId') levelId!: string;

  @IsId('academicYearId', { description: 'The academic year (GET /api/calendar/academic-years)' })
  academicYearId!: string;

  @IsName('name', '7A') name!: string;

  @ApiProperty({ example: 30, minimum: 1, maximum: MAX_SECTION_CAPACITY })
  @Type(() => Number)
  @IsInt({ message: 'capacity must be a whole number' })
  @Min(1)
  @Max(MAX_SECTION_CAPACITY)
  capacity!: number;

  @IsId('homeroomInstructorId', {
    optional: true,
    description: 'A staff member (instructor); null clears it',
  })
  homeroomInstructorId?: string | null;
}

/** A section stays at its level: its students and content were planned for that level. */
export class UpdateSectionDto extends PartialType(
  OmitType(CreateSectionDto, ['levelId'] as const),
) {}

export const SECTION_SORTS = [
  'name',
  '-name',
  'academicYear',
  '-academicYear',
  'level',
  '-level',
  'createdAt',
  '-createdAt',
] as const;
export type SectionSort = (typeof SECTION_SORTS)[number];

export class SectionListQuery extends PageQuery {
  @IsId('programId', { optional: true }) programId?: string;
  @IsId('levelId', { optional: true }) levelId?: string;

  @IsId('academicYearId', { optional: true, description: 'Only the sections of this year' })
  academicYearId?: string;

  @IsId('instructorId', {
    optional: true,
    description: 'Only the sections this instructor is homeroom instructor of or teaches in',
  })
  instructorId?: string;

  @IsSort(SECTION_SORTS, 'name') sort: SectionSort = 'name';
}

export class LevelRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() position!: number;
}

export class SectionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: RefView, description: 'The academic year, by id and name' })
  academicYear!: RefView;
  @ApiProperty() capacity!: number;
  @ApiProperty({ description: 'Students enrolled now' }) enrolledCount!: number;
  @ApiProperty({ type: LevelRefView }) level!: LevelRefView;
  @ApiProperty({ type: CodedRefView }) program!: CodedRefView;
  @ApiPropertyOptional({ type: PersonRefView, nullable: true })
  homeroomInstructor!: PersonRefView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class SectionPage {
  @ApiProperty({ type: [SectionView] }) data!: SectionView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export const MAX_ENROLMENT_BATCH = 200;

export class EnrolStudentsDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_ENROLMENT_BATCH })
  @IsArray({ message: 'studentIds must be a list of ids' })
  @ArrayMinSize(1, { message: 'studentIds must name at least one student' })
  @ArrayMaxSize(MAX_ENROLMENT_BATCH, {
    message: `studentIds may name at most ${MAX_ENROLMENT_BATCH} students per request`,
  })
  @ArrayUnique({ message: 'studentIds must not repeat an id' })
  @IsUUID('all', { each: true, message: 'each of studentIds must be a UUID' })
  studentIds!: string[];
}

export class EnrolmentView {
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty() capacity!: number;
  @ApiProperty({ description: 'Students enrolled after this request' }) enrolledCount!: number;
  @ApiProperty({ type: [String], format: 'uuid' }) added!: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Already enrolled: left alone' })
  alreadyEnrolled!: string[];
}

export class SectionStudentParams {
  @ApiProperty({ format: 'uuid', description: 'The section' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'A student enrolled in it' })
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId!: string;
}

export class AssignTeachingDto {
  @IsId('subjectId') subjectId!: string;
  @IsId('instructorId', { description: 'A staff member who teaches the subject here' })
  instructorId!: string;
}

export class TeachingParams {
  @ApiProperty({ format: 'uuid', description: 'The section' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'A teaching assignment of the section' })
  @IsUUID('all', { message: 'assignmentId must be a UUID' })
  assignmentId!: string;
}

export class TeachingAssignmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty({ type: CodedRefView }) subject!: CodedRefView;
  @ApiProperty({ type: PersonRefView }) instructor!: PersonRefView;
  @ApiProperty() createdAt!: Date;
}
