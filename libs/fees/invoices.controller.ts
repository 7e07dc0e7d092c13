import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import {
  GenerateInvoicesDto,
  GenerationView,
  InvoiceDetailView,
  InvoiceListQuery,
  InvoicePage,
  VoidInvoiceDto,
} from './dto/invoices.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { InvoiceGenerationService } from './invoice-generation.service';
import { invoiceHasMoney, invoicesChangedMeanwhile, periodOutsideYear } from './invoices.errors';
import { InvoicesService } from './invoices.service';

const invoiceNotFound = feeThingNotFound('invoice');

@ApiTags('Fees')
@Controller('api/fees/invoices')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly generation: InvoiceGenerationService,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [
      feeThingNotFound('academic year'),
      feeThingNotFound('academic level'),
      feeThingNotFound('section'),
      feeThingNotFound('term'),
      periodOutsideYear(),
      invoicesChangedMeanwhile,
    ],
  })
  @Post('generate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Invoice a level or a section for a period (annual, a month, a term); students already invoiced get nothing new',
  })
  @ApiOkResponse({ type: GenerationView })
  generate(@Body() run: GenerateInvoicesDto): Promise<GenerationView> {
    return this.generation.generate(run, this.principal.principal.userId);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: 'Invoices, a page at a time, latest period first' })
  @ApiOkResponse({ type: InvoicePage })
  list(@Query() query: InvoiceListQuery): Promise<InvoicePage> {
    return this.invoices.list(query);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] }, errors: [invoiceNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One invoice with its lines, receipts and credit notes' })
  @ApiOkResponse({ type: InvoiceDetailView })
  get(@Param() params: IdParams): Promise<InvoiceDetailView> {
    return this.invoices.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [invoiceNotFound, invoiceStatusRefused('issued', ['draft'])],
  })
  @Post(':id/issue')
  @HttpCode(200)
  @ApiOperation({ summary: 'Draft → issued, dated today' })
  @ApiOkResponse({ type: InvoiceDetailView })
  issue(@Param() params: IdParams): Promise<InvoiceDetailView> {
    return this.invoices.issue(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [
      invoiceNotFound,
      invoiceStatusRefused('void', ['draft', 'issued', 'partly_paid', 'paid']),
      invoiceHasMoney,
    ],
  })
  @Post(':id/void')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Void an invoice nothing was paid or credited against; its period may be billed again',
  })
  @ApiOkResponse({ type: InvoiceDetailView })
  void(@Param() params: IdParams, @Body() body: VoidInvoiceDto): Promise<InvoiceDetailView> {
    return this.invoices.void(params.id, body.reason, this.principal.principal.userId);
  }
}
