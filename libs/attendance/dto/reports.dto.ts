import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DateRangeQuery } from './dates.dto';
import { MARKS, type Mark, SESSION_KINDS, type SessionKind, SubjectRefView } from './sessions.dto';

export class KindRangeQuery extends DateRangeQuery {
  @ApiPropertyOptional({
    enum: SESSION_KINDS,
    default: 'daily',
    description: 'Which registers the figures count',
  })
  @IsOptional()
  @IsIn(SESSION_KINDS, { message: 'kind must be daily or lesson' })
  kind: SessionKind = 'daily';
}

export class StudentSessionView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ type: SubjectRefView, nullable: true }) subject!: SubjectRefView | null;
  @ApiProperty() period!: number;
  @ApiProperty({
    enum: MARKS,
    nullable: true,
    description: 'null: the register was not marked for them',
  })
  status!: Mark | null;
  @ApiProperty({ type: Number, nullable: true }) lateMinutes!: number | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class StudentDayView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ type: [StudentSessionView] }) sessions!: StudentSessionView[];
}

export class AttendanceSummaryView {
  @ApiProperty({ enum: SESSION_KINDS, description: 'The registers counted below' })
  kind!: SessionKind;
  @ApiProperty({ description: 'School days in the window up to today, as the calendar says' })
  schoolDays!: number;
  @ApiProperty({ description: 'Registers of that kind taken while the student was in the section' })
  sessions!: number;
  @ApiProperty() present!: number;
  @ApiProperty() absent!: number;
  @ApiProperty() late!: number;
  @ApiProperty() excused!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(present + late) / (sessions - excused); null when that is 0',
  })
  rate!: number | null;
}

export class StudentAttendanceView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: [StudentDayView], description: 'Days with at least one register, in order' })
  days!: StudentDayView[];
  @ApiProperty({ type: AttendanceSummaryView }) summary!: AttendanceSummaryView;
}

export class SectionReportRowView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) displayName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ description: 'Registers taken while they were in the section' }) sessions!: number;
  @ApiProperty() present!: number;
  @ApiProperty() late!: number;
  @ApiProperty() absent!: number;
  @ApiProperty() excused!: number;
  @ApiProperty({ description: 'Registers of theirs nobody marked' }) unmarked!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(present + late) / (sessions - excused); null when that is 0',
  })
  rate!: number | null;
  @ApiProperty({ description: 'Most consecutive registers marked absent' })
  longestAbsentRun!: number;
  @ApiProperty({
    description: 'Consecutive absences ending with their last register in the window',
  })
  currentAbsentRun!: number;
}

export class SectionReportView {
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty() sectionName!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ description: 'Registers of that kind taken in the window' }) sessions!: number;
  @ApiProperty({
    type: [SectionReportRowView],
    description: 'Everyone who was in the section at some time in the window',
  })
  students!: SectionReportRowView[];
}
