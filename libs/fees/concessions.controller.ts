import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import {
  ConcessionDto,
  ConcessionList,
  ConcessionsQuery,
  ConcessionView,
} from './dto/setup-structures.dto';
import { ConcessionsService } from './concessions.service';
import { feeThingNotFound } from './fees.errors';

@ApiTags('Fees')
@Controller('api/fees/concessions')
export class FeeConcessionsController {
  constructor(
    private readonly concessions: ConcessionsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: 'Concessions, of one student or year if asked, oldest first' })
  @ApiOkResponse({ type: ConcessionList })
  list(@Query() query: ConcessionsQuery): Promise<ConcessionList> {
    return this.concessions.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [
      feeThingNotFound('student'),
      feeThingNotFound('academic year'),
      feeThingNotFound('fee head'),
    ],
  })
  @Post()
  @ApiOperation({
    summary:
      'Grant a student a concession for a year; it applies only to invoices generated after it',
    description:
      'A percentage (of every head, or of headId) or an amount (of headId). The caller is recorded as its approver.',
  })
  @ApiCreatedResponse({ type: ConcessionView })
  create(@Body() concession: ConcessionDto): Promise<ConcessionView> {
    return this.concessions.create(this.caller.current(), concession);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [feeThingNotFound('concession')],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw a concession; invoices already generated keep theirs' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.concessions.remove(params.id);
  }
}
