import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { type FastifyReply } from 'fastify';
import { BatchView, CreateBatchDto } from './dto/report-cards.dto';
import { ReportCardBatchesService } from './report-card-batches.service';
import { PDF_MEDIA_TYPE } from './report-cards.controller';
import { batchNotReady, notFound } from './report-cards.errors';

@ApiTags('Exams')
@Controller('api/exams/report-cards/batches')
export class ReportCardBatchesController {
  constructor(
    private readonly batches: ReportCardBatchesService,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.publish'] },
    errors: [notFound('section'), notFound('term')],
  })
  @Post()
  @ApiOperation({
    summary:
      "Queues the report cards of a section's students for a term, built by a job into one PDF; poll the batch for its status",
  })
  @ApiCreatedResponse({ type: BatchView })
  create(@Body() body: CreateBatchDto): Promise<BatchView> {
    return this.batches.queueBatch(this.principal.principal.userId, body);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.publish'] },
    errors: [notFound('report card batch')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'A batch of report cards: queued, building, ready or failed (why)' })
  @ApiOkResponse({ type: BatchView })
  view(@Param() params: IdParams): Promise<BatchView> {
    return this.batches.view(params.id);
  }

  /** The PDF's type is set once it is read, so a refusal (404, 409) still goes out as JSON. */
  @Route({
    at: 'school',
    access: { permissions: ['exams.publish'] },
    errors: [notFound('report card batch'), batchNotReady('queued')],
  })
  @Get(':id/file')
  @ApiOperation({
    summary: "The batch's PDF: every student's card in roster order; 409 until ready",
  })
  @ApiOkResponse({
    description: 'One PDF, each card starting a page',
    content: { [PDF_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  })
  async file(
    @Param() params: IdParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const file = await this.batches.file(params.id);
    void reply
      .type(PDF_MEDIA_TYPE)
      .header('content-disposition', `inline; filename="report-cards-${params.id}.pdf"`);
    return file;
  }
}
