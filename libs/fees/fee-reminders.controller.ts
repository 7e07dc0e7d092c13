import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { FeeRemindersView } from './dto/reminders.dto';
import { FeeRemindersService } from './fee-reminders.service';

@ApiTags('Fees')
@Controller('api/fees/reminders')
export class FeeRemindersController {
  constructor(private readonly reminders: FeeRemindersService) {}

  @Route({ at: 'school', access: { permissions: ['fees.manage'] } })
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Remind the students with an overdue invoice and their guardians (in the app, and by mail); once per invoice, person and day',
  })
  @ApiOkResponse({ type: FeeRemindersView })
  send(): Promise<FeeRemindersView> {
    return this.reminders.send();
  }
}
