import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import { CreditNotesService } from './credit-notes.service';
import {
  CreditNotePage,
  CreditNoteView,
  IssueCreditNoteDto,
  StudentFilterQuery,
} from './dto/payments.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { creditNoteTooLarge } from './payments.errors';

@ApiTags('Fees: payments')
@Controller('api/fees')
export class FeeCreditNotesController {
  constructor(
    private readonly notes: CreditNotesService,
    private readonly scope: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['fees.refund'] },
    errors: [
      feeThingNotFound('invoice'),
      invoiceStatusRefused('void', ['issued', 'partly_paid', 'paid']),
      creditNoteTooLarge,
    ],
  })
  @Post('invoices/:id/credit-notes')
  @ApiOperation({
    summary:
      "Take an amount off an invoice; money it was paid beyond what it now asks becomes the student's credit",
  })
  @ApiCreatedResponse({ type: CreditNoteView })
  issue(@Param() { id }: IdParams, @Body() note: IssueCreditNoteDto): Promise<CreditNoteView> {
    return this.notes.issue(this.scope.current(), id, note);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get('credit-notes')
  @ApiOperation({ summary: 'Credit notes, newest first; by student' })
  @ApiOkResponse({ type: CreditNotePage })
  list(@Query() query: StudentFilterQuery): Promise<CreditNotePage> {
    return this.notes.list(query);
  }
}
