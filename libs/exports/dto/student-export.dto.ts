import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * A subject-access export. The people and their links are typed; the records of each
 * activity (attendance, marks, money, messages, the audit trail) are listed as they are
 * stored, with the API's camelCase names, so each is a free-form object.
 */

const RECORDS = (description: string) =>
  ApiProperty({
    description,
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  });

type Json = Record<string, unknown>;

export class StudentExportProfileView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2014-05-02' }) dateOfBirth!: string | null;
  @ApiProperty({ type: String, nullable: true }) gender!: string | null;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ example: '2026-09-01' }) admissionDate!: string;
  @ApiProperty() status!: string;
  @ApiProperty() createdAt!: Date;
}

export class PortalAccountExportView {
  @ApiProperty({ description: "The student's username in this school" }) username!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ type: Date, nullable: true }) lastSignInAt!: Date | null;
}

export class GuardianExportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty() relationship!: string;
}

export class EnrolmentExportView {
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty() section!: string;
  @ApiProperty({ type: String, nullable: true }) level!: string | null;
  @ApiProperty({ type: String, nullable: true }) academicYear!: string | null;
  @ApiProperty({ type: String, nullable: true }) joinedOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) leftOn!: string | null;
}

export class StudentExportView {
  @ApiProperty({ description: 'When the export was made' }) exportedAt!: Date;
  @ApiProperty({ type: StudentExportProfileView }) student!: StudentExportProfileView;
  @ApiPropertyOptional({
    type: PortalAccountExportView,
    nullable: true,
    description: 'The portal account; never a password, hash or token',
  })
  account!: PortalAccountExportView | null;
  @ApiProperty({ type: [GuardianExportView] }) guardians!: GuardianExportView[];
  @ApiProperty({ type: [EnrolmentExportView] }) enrolments!: EnrolmentExportView[];
  @RECORDS('Every attendance mark') attendance!: Json[];
  @RECORDS('Absence notes and their decisions') absenceNotes!: Json[];
  @RECORDS('Coursework submissions and their grades') submissions!: Json[];
  @RECORDS('Exam marks per paper') examMarks!: Json[];
  @RECORDS('Exam results') examResults!: Json[];
  @RECORDS('Fee invoices') invoices!: Json[];
  @RECORDS('Fee receipts') receipts!: Json[];
  @RECORDS('Fee credit notes') creditNotes!: Json[];
  @RECORDS('Fee refunds') refunds!: Json[];
  @RECORDS("Entries of the student's credit with the school") creditEntries!: Json[];
  @RECORDS('In-app notifications to the student') notifications!: Json[];
  @RECORDS('Messages in threads the student takes part in') messages!: Json[];
  @RECORDS('Announcements delivered to the student, and when read') announcementReceipts!: Json[];
  @RECORDS('Audit entries about the student') auditEvents!: Json[];
}
