import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { ReceiptPage, ReceiptsQuery, ReceiptView } from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { ReceiptsService } from './receipts.service';

@ApiTags('Fees: payments')
@Controller('api/fees/receipts')
export class FeeReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: 'Receipts, newest first: by student, days received and method' })
  @ApiOkResponse({ type: ReceiptPage })
  list(@Query() query: ReceiptsQuery): Promise<ReceiptPage> {
    return this.receipts.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [feeThingNotFound('receipt')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One receipt: what came in, from whom, and where it went' })
  @ApiOkResponse({ type: ReceiptView })
  one(@Param() { id }: IdParams): Promise<ReceiptView> {
    return this.receipts.one(id);
  }
}
