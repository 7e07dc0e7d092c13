import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import {
  LateFineRuleDto,
  LateFineRuleList,
  LateFineRuleView,
  UpdateLateFineRuleDto,
} from './dto/setup.dto';
import { feeThingNotFound } from './fees.errors';
import { LateFineRulesService } from './late-fine-rules.service';

const ruleNotFound = feeThingNotFound('late fine rule');

@ApiTags('Fees')
@Controller('api/fees/late-fine-rules')
export class LateFineRulesController {
  constructor(private readonly rules: LateFineRulesService) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: "The school's late fine rules, shortest grace first" })
  @ApiOkResponse({ type: LateFineRuleList })
  list(): Promise<LateFineRuleList> {
    return this.rules.list();
  }

  @Route({ at: 'school', access: { permissions: ['fees.manage'] } })
  @Post()
  @ApiOperation({ summary: 'Add a late fine rule: a fixed amount or a percentage of what is owed' })
  @ApiCreatedResponse({ type: LateFineRuleView })
  create(@Body() rule: LateFineRuleDto): Promise<LateFineRuleView> {
    return this.rules.create(rule);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [ruleNotFound, nothingToChange],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Change or deactivate a late fine rule (fines already on invoices stay as they are)',
  })
  @ApiOkResponse({ type: LateFineRuleView })
  update(
    @Param() params: IdParams,
    @Body() changes: UpdateLateFineRuleDto,
  ): Promise<LateFineRuleView> {
    return this.rules.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [ruleNotFound, inUse({ invoiceLines: 3 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a late fine rule no invoice carries (deactivate it otherwise)' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.rules.remove(params.id);
  }
}
