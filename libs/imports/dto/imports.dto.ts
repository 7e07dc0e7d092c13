import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMeta } from '@schoolyard/common';
import { IMPORT_KINDS, type ImportKindName } from '../import-kind';

const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

const ERROR_CODES = [
  'BAD_ENCODING',
  'BAD_CSV',
  'BAD_HEADER',
  'BAD_COLUMN_COUNT',
  'MISSING_VALUE',
  'BAD_DATE',
  'BAD_VALUE',
  'BAD_EMAIL',
  'DUPLICATE_IN_FILE',
  'ADMISSION_NUMBER_TAKEN',
  'UNKNOWN_STUDENT',
  'UNKNOWN_SECTION',
  'SECTION_FULL',
  'PLAN_LIMIT',
  'NOT_RUN',
];

/** The multipart form of POST /api/imports (documentation only: the handler reads the parts). */
export class ImportUploadForm {
  @ApiProperty({ enum: IMPORT_KINDS, description: 'What the file holds (docs/IMPORTS.md)' })
  kind!: ImportKindName;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'true: check every row and count, write nothing',
  })
  dryRun?: 'true' | 'false';

  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The CSV file (UTF-8, header row; at most IMPORT_MAX_BYTES)',
  })
  file!: unknown;
}

export class ImportRowErrorView {
  @ApiProperty({ description: 'Row of the file as a spreadsheet shows it: the header is row 1' })
  row!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The column at fault' })
  column!: string | null;

  @ApiProperty({ enum: ERROR_CODES }) code!: string;
  @ApiProperty() message!: string;
}

export class ImportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: IMPORT_KINDS }) kind!: ImportKindName;
  @ApiProperty() dryRun!: boolean;

  @ApiProperty({
    enum: IMPORT_STATUSES,
    description:
      'succeeded: written (a dry run: nothing wrong found); failed: rows had errors, nothing written',
  })
  status!: (typeof IMPORT_STATUSES)[number];

  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'Bytes' }) fileSize!: number;
  @ApiProperty({ description: 'Data rows read (the header not counted)' }) rows!: number;
  @ApiProperty({ description: 'Rows that wrote something (or would, in a dry run)' })
  created!: number;
  @ApiProperty({ description: 'Rows already true in the school' }) unchanged!: number;
  @ApiProperty({ type: [ImportRowErrorView] }) errors!: ImportRowErrorView[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  requestedBy!: string | null;

  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ type: Date, nullable: true }) startedAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) finishedAt!: Date | null;
}

export class ImportPage {
  @ApiProperty({ type: [ImportView] }) data!: ImportView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
