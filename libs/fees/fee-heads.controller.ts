import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import { FeeHeadDto, FeeHeadList, FeeHeadView, UpdateFeeHeadDto } from './dto/setup.dto';
import { FeeHeadsRepository } from './fee-heads.repository';
import { feeThingNotFound } from './fees.errors';
import { feeHeadNameTaken } from './setup.errors';

const headNotFound = feeThingNotFound('fee head');

@ApiTags('Fees')
@Controller('api/fees/heads')
export class FeeHeadsController {
  constructor(private readonly heads: FeeHeadsRepository) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: "The school's fee heads, by name" })
  @ApiOkResponse({ type: FeeHeadList })
  async list(): Promise<FeeHeadList> {
    return { data: await this.heads.all() };
  }

  @Route({ at: 'school', access: { permissions: ['fees.manage'] }, errors: [feeHeadNameTaken] })
  @Post()
  @ApiOperation({ summary: 'Add a fee head (names are unique, whatever their case)' })
  @ApiCreatedResponse({ type: FeeHeadView })
  create(@Body() head: FeeHeadDto): Promise<FeeHeadView> {
    return this.heads.insert(head);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [headNotFound, feeHeadNameTaken, nothingToChange],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Rename or describe a fee head (invoices already written keep the old name)',
  })
  @ApiOkResponse({ type: FeeHeadView })
  async update(@Param() params: IdParams, @Body() changes: UpdateFeeHeadDto): Promise<FeeHeadView> {
    await this.heads.update(params.id, changes);
    return this.heads.find(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [headNotFound, inUse({ structureLines: 2, concessions: 1, invoiceLines: 40 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a fee head no structure, concession or invoice line names' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.heads.delete(params.id);
  }
}
