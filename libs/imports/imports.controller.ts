import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, PageQuery, Route } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type FastifyRequest } from 'fastify';
import { ImportPage, ImportUploadForm, ImportView } from './dto/imports.dto';
import { importFileTooLarge, importNotFound, importRequestInvalid } from './imports.errors';
import { ImportsService } from './imports.service';
import { readUploadForm } from './upload-form';

@ApiTags('Imports')
@Controller('api/imports')
export class ImportsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: ImportsService,
  ) {}

  /**
   * `transaction: 'manual'`: the upload is read before any connection is taken, then one short
   * transaction stores it; the job does the work.
   */
  @Route({
    at: 'school',
    access: { permissions: ['data.import'] },
    errors: [
      () => importRequestInvalid('The upload is not an import form'),
      () => importFileTooLarge(0),
    ],
    transaction: 'manual',
  })
  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import a CSV file of students, guardians, staff or enrolments (all rows or none)',
    description:
      'Answers at once with the queued import; poll GET /api/imports/{id} for its report. Columns and rules: docs/IMPORTS.md.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadForm })
  @ApiAcceptedResponse({ type: ImportView })
  async create(@Req() request: FastifyRequest): Promise<ImportView> {
    return this.imports.queue(await readUploadForm(request, this.config.importMaxBytes));
  }

  @Route({ at: 'school', access: { permissions: ['data.import'] } })
  @Get()
  @ApiOperation({ summary: "The school's imports, newest first" })
  @ApiOkResponse({ type: ImportPage })
  list(@Query() query: PageQuery): Promise<ImportPage> {
    return this.imports.list(query);
  }

  @Route({ at: 'school', access: { permissions: ['data.import'] }, errors: [importNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'An import: its status, counts and the errors of its rows' })
  @ApiOkResponse({ type: ImportView })
  get(@Param() { id }: IdParams): Promise<ImportView> {
    return this.imports.get(id);
  }
}
