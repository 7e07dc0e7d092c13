import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import { RefundCreditDto, RefundPage, RefundView, StudentFilterQuery } from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { insufficientCredit } from './payments.errors';
import { RefundsService } from './refunds.service';

@ApiTags('Fees: payments')
@Controller('api/fees')
export class FeeRefundsController {
  constructor(
    private readonly refunds: RefundsService,
    private readonly scope: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['fees.refund'] },
    errors: [feeThingNotFound('student'), insufficientCredit],
  })
  @Post('students/:id/refunds')
  @ApiOperation({ summary: "Pay part or all of a student's credit back out" })
  @ApiCreatedResponse({ type: RefundView })
  refund(@Param() { id }: IdParams, @Body() refund: RefundCreditDto): Promise<RefundView> {
    return this.refunds.refund(this.scope.current(), id, refund);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get('refunds')
  @ApiOperation({ summary: 'Refunds, newest first; by student' })
  @ApiOkResponse({ type: RefundPage })
  list(@Query() query: StudentFilterQuery): Promise<RefundPage> {
    return this.refunds.list(query);
  }
}
