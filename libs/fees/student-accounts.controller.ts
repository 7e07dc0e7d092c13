import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { StudentAccountView } from './dto/payments.dto';
import { feeThingNotFound } from './fees.errors';
import { StudentAccountsService } from './student-accounts.service';

@ApiTags('Fees: payments')
@Controller('api/fees/students')
export class FeeStudentAccountsController {
  constructor(private readonly accounts: StudentAccountsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['fees.view'] },
    errors: [feeThingNotFound('student')],
  })
  @Get(':id/account')
  @ApiOperation({ summary: "A student's credit with the school and its entries, newest first" })
  @ApiOkResponse({ type: StudentAccountView })
  account(@Param() { id }: IdParams): Promise<StudentAccountView> {
    return this.accounts.account(id);
  }
}
