import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { type FastifyReply } from 'fastify';
import { ReportCardQuery, ReportCardView } from './dto/report-cards.dto';
import { renderReportCards } from './report-card-pdf';
import { notFound, reportCardNotReady } from './report-cards.errors';
import { ReportCardsService } from './report-cards.service';
import { CallerScope } from '@schoolyard/rbac';
import { RESULTS_OFFICE } from './exams-office';

export const PDF_MEDIA_TYPE = 'application/pdf';

/**
 * The card as JSON or, asked for by `Accept: application/pdf` or `?format=pdf`, as a PDF.
 * Only the answer's media type is declared beside JSON: refusals stay application/json.
 */
const CardResponse = () =>
  ApiOkResponse({
    description: 'The report card (JSON), or the printable card (PDF)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ReportCardView) } },
      [PDF_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  });

export const wantsPdf = (query: ReportCardQuery, accept: string | undefined) =>
  query.format === 'pdf' ||
  (query.format === undefined && (accept ?? '').toLowerCase().includes(PDF_MEDIA_TYPE));

/** A file name from what the card says, in characters every browser keeps. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');

/**
 * Answers the card in the asked format. The PDF's type is set once it exists (not by a
 * decorator), so that a refusal before it still goes out as JSON.
 */
async function answer(
  card: ReportCardView,
  pdf: boolean,
  reply: FastifyReply,
): Promise<ReportCardView | Buffer> {
  // The same address answers two media types: a shared cache must keep them apart.
  const vary = reply.getHeader('vary');
  void reply.header('vary', vary ? `${String(vary)}, Accept` : 'Accept');
  if (!pdf) return card;
  const file = await renderReportCards([card]);
  const name = `report-card-${safe(card.student.admissionNumber)}-${safe(card.term.name)}.pdf`;
  void reply.type(PDF_MEDIA_TYPE).header('content-disposition', `inline; filename="${name}"`);
  return file;
}

@ApiTags('Exams')
@ApiExtraModels(ReportCardView)
@Controller('api/students')
export class StudentReportCardController {
  constructor(
    private readonly cards: ReportCardsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [notFound('student'), notFound('term')],
  })
  @Get(':id/report-card')
  @ApiOperation({
    summary:
      "A student's report card for a term: instructors of their sections, whoever manages or publishes exams anyone's; JSON, or PDF with Accept: application/pdf or ?format=pdf",
  })
  @CardResponse()
  async card(
    @Param() params: IdParams,
    @Query() query: ReportCardQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportCardView | Buffer> {
    const card = await this.cards.card(
      'staff',
      this.caller.current(...RESULTS_OFFICE),
      params.id,
      query.termId,
    );
    return answer(card, wantsPdf(query, accept), reply);
  }
}

@ApiTags('Exams')
@ApiExtraModels(ReportCardView)
@Controller('api/exams')
export class MyReportCardController {
  constructor(
    private readonly cards: ReportCardsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a student reads only their own report card' },
    errors: [notFound('student'), notFound('term'), reportCardNotReady],
  })
  @Get('my-report-card')
  @ApiOperation({
    summary:
      "The signed-in student's report card for a term, once an exam of the term is published; JSON or PDF",
  })
  @CardResponse()
  async mine(
    @Query() query: ReportCardQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportCardView | Buffer> {
    const card = await this.cards.card('self', this.caller.own(), null, query.termId);
    return answer(card, wantsPdf(query, accept), reply);
  }
}

@ApiTags('Exams')
@ApiExtraModels(ReportCardView)
@Controller('api/guardians/my-children')
export class ChildReportCardController {
  constructor(
    private readonly cards: ReportCardsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a guardian reads only the children linked to their own profile' },
    errors: [notFound('student'), notFound('term'), reportCardNotReady],
  })
  @Get(':id/report-card')
  @ApiOperation({
    summary:
      "The signed-in guardian's child's report card for a term, once an exam of the term is published; JSON or PDF",
  })
  @CardResponse()
  async child(
    @Param() params: IdParams,
    @Query() query: ReportCardQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportCardView | Buffer> {
    const card = await this.cards.card('guardian', this.caller.own(), params.id, query.termId);
    return answer(card, wantsPdf(query, accept), reply);
  }
}
