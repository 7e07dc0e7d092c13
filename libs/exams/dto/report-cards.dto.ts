import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@schoolyard/academics';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/* Term weightings, report cards and their section batches (part D of exams). */

export class SubjectWeightingDto {
  @IsId('subjectId') subjectId!: string;

  @ApiProperty({
    minimum: 0,
    maximum: 100,
    example: 40,
    description: 'Share of the term grade from coursework, in whole percent; exams are the rest',
  })
  @Type(() => Number)
  @IsInt({ message: 'courseworkPercent must be a whole number' })
  @Min(0, { message: 'courseworkPercent must be between 0 and 100' })
  @Max(100, { message: 'courseworkPercent must be between 0 and 100' })
  courseworkPercent!: number;
}

export class ReplaceWeightingsDto {
  @ApiProperty({
    type: [SubjectWeightingDto],
    description: 'Every weighting of the term: subjects left out go back to exams only',
  })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => SubjectWeightingDto)
  subjects!: SubjectWeightingDto[];
}

export class TermParams {
  @IsId('termId') termId!: string;
}

export class SubjectWeightingView {
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() courseworkPercent!: number;
  @ApiProperty({ description: '100 - courseworkPercent' }) examPercent!: number;
}

export class WeightingsView {
  @ApiProperty({ format: 'uuid' }) termId!: string;
  @ApiProperty({
    type: [SubjectWeightingView],
    description: 'Subjects with a weighting; any other subject counts exams only',
  })
  subjects!: SubjectWeightingView[];
}

export const CARD_FORMATS = ['json', 'pdf'] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];

export class ReportCardQuery {
  @IsId('termId') termId!: string;

  @ApiPropertyOptional({
    enum: CARD_FORMATS,
    description: 'pdf: the printable card (as `Accept: application/pdf`); default json',
  })
  @IsOptional()
  @IsIn(CARD_FORMATS, { message: 'format must be json or pdf' })
  format?: CardFormat;
}

export class CardSchoolView {
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true, example: '#1d4ed8' }) primaryColor!: string | null;
  @ApiProperty({ type: String, nullable: true }) secondaryColor!: string | null;
  @ApiProperty({ example: 'en', description: 'Dates and numbers of the PDF are written in it' })
  locale!: string;
  @ApiProperty({ example: 'Asia/Kathmandu' }) timezone!: string;
}

export class CardRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CardStudentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({
    type: CardRefView,
    nullable: true,
    description: 'The section they were last in during the term',
  })
  section!: CardRefView | null;
  @ApiProperty({ type: CardRefView, nullable: true }) level!: CardRefView | null;
}

export class CardTermView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date' }) endsOn!: string;
  @ApiProperty({ type: CardRefView }) academicYear!: CardRefView;
}

export class CardSubjectView {
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The term's coursework share of this subject (0: exams only)" })
  courseworkWeight!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Points over maximum of graded assignments due in the term; null: none',
  })
  courseworkPercentage!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Marks over maximum in published exams of the term (absent counts 0); null: none',
  })
  examPercentage!: number | null;
  @ApiProperty({ description: 'The weighted blend, or the one part there is' })
  percentage!: number;
  @ApiProperty({ type: String, nullable: true }) letter!: string | null;
  @ApiProperty({ type: Number, nullable: true }) gradePoint!: number | null;
  @ApiProperty({ type: String, nullable: true }) remark!: string | null;
}

export class CardOverallView {
  @ApiProperty({ type: Number, nullable: true, description: "Mean of the subjects' percentages" })
  percentage!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: "Mean of the subjects' grade points" })
  gpa!: number | null;
  @ApiProperty({ type: String, nullable: true }) letter!: string | null;
}

export class CardExamView {
  @ApiProperty({ format: 'uuid' }) examId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() total!: number;
  @ApiProperty() maxTotal!: number;
  @ApiProperty() percentage!: number;
  @ApiProperty({ type: String, nullable: true }) letter!: string | null;
  @ApiProperty({ description: 'In the section; ties share a rank' }) sectionRank!: number;
}

export class CardAttendanceView {
  @ApiProperty({ description: "Daily registers of the term's days that marked the student" })
  registers!: number;
  @ApiProperty() present!: number;
  @ApiProperty() absent!: number;
  @ApiProperty() late!: number;
  @ApiProperty() excused!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(present + late) / (registers - excused); null when that is 0',
  })
  rate!: number | null;
}

export class ReportCardView {
  @ApiProperty({ type: CardSchoolView }) school!: CardSchoolView;
  @ApiProperty({ type: CardStudentView }) student!: CardStudentView;
  @ApiProperty({ type: CardTermView }) term!: CardTermView;
  @ApiProperty({ type: [CardSubjectView] }) subjects!: CardSubjectView[];
  @ApiProperty({ type: CardOverallView }) overall!: CardOverallView;
  @ApiProperty({ type: [CardExamView], description: 'Published (or locked) exams of the term' })
  exams!: CardExamView[];
  @ApiProperty({ type: CardAttendanceView }) attendance!: CardAttendanceView;
  @ApiProperty({ description: 'At least one exam of the term is published or locked' })
  published!: boolean;
}

export class CreateBatchDto {
  @IsId('sectionId') sectionId!: string;
  @IsId('termId') termId!: string;
}

export const BATCH_STATUSES = ['queued', 'building', 'ready', 'failed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export class BatchView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty({ format: 'uuid' }) termId!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: BatchStatus;
  @ApiProperty({ type: Number, nullable: true, description: 'Cards in the file, once built' })
  studentCount!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Size of the PDF, once built' })
  fileBytes!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the build failed' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}
