import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { ApplyLateFinesDto, LateFinesView } from './dto/invoices.dto';
import { LateFinesService } from './late-fines.service';

@ApiTags('Fees')
@Controller('api/fees/late-fines')
export class LateFinesController {
  constructor(private readonly fines: LateFinesService) {}

  @Route({ at: 'school', access: { permissions: ['fees.manage'] } })
  @Post('apply')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Fine every open invoice past its due day and grace, once per rule and invoice',
  })
  @ApiOkResponse({ type: LateFinesView })
  apply(@Body() body: ApplyLateFinesDto): Promise<LateFinesView> {
    return this.fines.apply(body.on);
  }
}
