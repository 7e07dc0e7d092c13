import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class SectionResultsQuery {
  @ApiProperty({ format: 'uuid', description: 'The section whose results and summary to read' })
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId!: string;
}

export class TermFilterQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this term's exams" })
  @IsOptional()
  @IsUUID('all', { message: 'termId must be a UUID' })
  termId?: string;
}

export class PublishSummaryView {
  @ApiProperty({ format: 'uuid' }) examId!: string;
  @ApiProperty({ enum: ['published'] }) status!: 'published';
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ description: 'Students given a result (one mark row or more in its papers)' })
  students!: number;
  @ApiProperty({ description: 'Sections the students were ranked in' }) sections!: number;
  @ApiProperty({ description: 'Per-paper results written (one per student and paper row)' })
  subjectResults!: number;
  @ApiProperty({
    description:
      'Students with marks but no section among the exam levels (now or before) nor a paper of one: left without a result',
  })
  studentsWithoutSection!: number;
  @ApiProperty({
    description:
      'Time the clearing and computing statements took, as the API waited for them, in milliseconds',
  })
  durationMs!: number;
}

export class GradeView {
  @ApiProperty({ example: 'A+' }) letter!: string;
  @ApiProperty({ type: Number, nullable: true, example: 4 }) gradePoint!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Outstanding' }) remark!: string | null;
}

export class SubjectOfResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'MATH-7' }) code!: string;
  @ApiProperty({ example: 'Mathematics' }) name!: string;
}

export class SubjectResultView {
  @ApiProperty({ format: 'uuid' }) paperId!: string;
  @ApiProperty({ type: SubjectOfResultView }) subject!: SubjectOfResultView;
  @ApiProperty({ type: Number, nullable: true, description: 'null when absent (absent is not 0)' })
  marks!: number | null;
  @ApiProperty() maxMarks!: number;
  @ApiProperty() passMarks!: number;
  @ApiProperty() absent!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'marks / max × 100; null when absent' })
  percentage!: number | null;
  @ApiProperty({ type: GradeView, nullable: true, description: 'null when absent' })
  grade!: GradeView | null;
  @ApiProperty({ description: 'marks ≥ pass marks; an absence never passes' }) passed!: boolean;
}

export class StudentResultView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) displayName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ description: 'In the section, by percentage; ties share a rank (1, 1, 3)' })
  sectionRank!: number;
  @ApiProperty({ description: 'Sum of marks; an absence adds 0' }) total!: number;
  @ApiProperty({ description: 'Sum of the maxima of the papers the student has a mark row for' })
  maxTotal!: number;
  @ApiProperty() percentage!: number;
  @ApiProperty({ type: GradeView, nullable: true, description: 'null: the scale has no band' })
  grade!: GradeView | null;
  @ApiProperty({ description: 'Every paper passed' }) passed!: boolean;
  @ApiProperty() papersAbsent!: number;
  @ApiProperty({ type: [SubjectResultView] }) subjects!: SubjectResultView[];
}

export class GradeCountView {
  @ApiProperty({ example: 'A+' }) letter!: string;
  @ApiProperty({ example: 90 }) minPercent!: number;
  @ApiProperty() count!: number;
}

export class StudentRefView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) displayName!: string;
}

export class TopOfSubjectView {
  @ApiProperty({ type: SubjectOfResultView }) subject!: SubjectOfResultView;
  @ApiProperty() marks!: number;
  @ApiProperty() percentage!: number;
  @ApiProperty({ type: [StudentRefView], description: 'Every student with that score' })
  students!: StudentRefView[];
}

export class ClassSummaryView {
  @ApiProperty() students!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when no student has a result' })
  meanPercentage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) medianPercentage!: number | null;
  @ApiProperty() passed!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'passed / students, 0 to 1' })
  passRate!: number | null;
  @ApiProperty({
    type: [GradeCountView],
    description: "Every band of the exam's scale, highest first, at 0 when nobody fell in it",
  })
  grades!: GradeCountView[];
  @ApiProperty({
    type: [TopOfSubjectView],
    description: 'Per subject, the best percentage of those present and everyone who has it',
  })
  topBySubject!: TopOfSubjectView[];
}

export class SectionOfResultsView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '7A' }) name!: string;
}

export class SectionResultsView {
  @ApiProperty({ format: 'uuid' }) examId!: string;
  @ApiProperty() examName!: string;
  @ApiProperty({ enum: ['published', 'locked'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ type: SectionOfResultsView }) section!: SectionOfResultsView;
  @ApiProperty({ type: [StudentResultView], description: 'By rank, then name' })
  students!: StudentResultView[];
  @ApiProperty({ type: ClassSummaryView }) summary!: ClassSummaryView;
}

export class ExamOfResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'First terminal' }) name!: string;
  @ApiProperty({ format: 'uuid' }) termId!: string;
  @ApiProperty({ example: 'Term 1' }) termName!: string;
  @ApiProperty({ enum: ['published', 'locked'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
}

export class OwnExamResultView {
  @ApiProperty({ type: ExamOfResultView }) exam!: ExamOfResultView;
  @ApiProperty({ type: SectionOfResultsView }) section!: SectionOfResultsView;
  @ApiProperty({ description: 'Students ranked in that section' }) sectionSize!: number;
  @ApiProperty({ type: StudentResultView }) result!: StudentResultView;
}

export class OwnResultsView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({
    type: [OwnExamResultView],
    description: 'Published and locked exams only, newest publication first',
  })
  exams!: OwnExamResultView[];
}
