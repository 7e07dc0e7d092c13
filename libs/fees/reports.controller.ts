import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { attachment, CSV_MEDIA_TYPE, IdParams, Route } from '@schoolyard/common';
import { type FastifyReply } from 'fastify';
import {
  CollectionsQuery,
  CollectionsView,
  DuesQuery,
  DuesView,
  StatementQuery,
  StatementView,
} from './dto/reports.dto';
import { feeThingNotFound } from './fees.errors';
import { ReportsService } from './reports.service';

const CSV_ANSWER = {
  description: 'A CSV file (header row first) for spreadsheets',
  content: { 'text/csv': { schema: { type: 'string' } } },
};
const yearNotFound = feeThingNotFound('academic year');

function sendCsv(reply: FastifyReply, filename: string, text: string): string {
  void reply.type(CSV_MEDIA_TYPE).header('content-disposition', attachment(filename));
  return text;
}

/** Every `.csv` route comes before the parameterised ones, whose `:id` would swallow it. */
@ApiTags('Fees')
@Controller('api/fees')
export class FeeReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get('reports/collections.csv')
  @ApiOperation({ summary: 'The collections report as CSV' })
  @ApiOkResponse(CSV_ANSWER)
  async collectionsCsv(
    @Query() query: CollectionsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const report = await this.reports.collections(query);
    const name = `fee-collections-${query.from}-to-${query.to}.csv`;
    return sendCsv(reply, name, this.reports.collectionsCsv(report));
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get('reports/collections')
  @ApiOperation({
    summary:
      'Money received per day and method, refunds per day, and their totals (at most 366 days)',
  })
  @ApiOkResponse({ type: CollectionsView })
  collections(@Query() query: CollectionsQuery): Promise<CollectionsView> {
    return this.reports.collections(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [yearNotFound, feeThingNotFound('academic level'), feeThingNotFound('section')],
  })
  @Get('reports/dues.csv')
  @ApiOperation({ summary: 'The dues report as CSV' })
  @ApiOkResponse(CSV_ANSWER)
  async duesCsv(
    @Query() query: DuesQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const report = await this.reports.dues(query);
    return sendCsv(reply, `fee-dues-${report.on}.csv`, this.reports.duesCsv(report));
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [yearNotFound, feeThingNotFound('academic level'), feeThingNotFound('section')],
  })
  @Get('reports/dues')
  @ApiOperation({
    summary:
      'Every student who owes on issued invoices, by days past due on a day: not due, 0-30, 31-60, 61-90, over 90',
  })
  @ApiOkResponse({ type: DuesView })
  dues(@Query() query: DuesQuery): Promise<DuesView> {
    return this.reports.dues(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [feeThingNotFound('student'), yearNotFound],
  })
  @Get('students/:id/statement.csv')
  @ApiOperation({ summary: "A student's fee statement as CSV" })
  @ApiOkResponse(CSV_ANSWER)
  async statementCsv(
    @Param() params: IdParams,
    @Query() query: StatementQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const statement = await this.reports.statement(params.id, query.academicYearId);
    const name = `fee-statement-${params.id}.csv`;
    return sendCsv(reply, name, this.reports.statementCsv(statement));
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [feeThingNotFound('student'), yearNotFound],
  })
  @Get('students/:id/statement')
  @ApiOperation({
    summary:
      "A student's account in date order with a running balance, their credit and what they owe",
  })
  @ApiOkResponse({ type: StatementView })
  statement(@Param() params: IdParams, @Query() query: StatementQuery): Promise<StatementView> {
    return this.reports.statement(params.id, query.academicYearId);
  }
}
