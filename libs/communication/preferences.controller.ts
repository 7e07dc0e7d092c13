import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { PreferencesView, UpdatePreferencesDto } from './preferences.dto';
import { noProfileHere, preferencesInvalid, PreferencesService } from './preferences.service';

const OWN = 'everyone reads and changes only their own preferences';

@ApiTags('Notifications')
@Controller('api/notifications/preferences')
export class NotificationPreferencesController {
  constructor(
    private readonly preferences: PreferencesService,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({ at: 'school', access: { signedIn: OWN } })
  @Get()
  @ApiOperation({
    summary: 'Your email and SMS switches per category (on unless switched off) and quiet hours',
  })
  @ApiOkResponse({ type: PreferencesView })
  get(): Promise<PreferencesView> {
    return this.preferences.get(this.principal.principal.userId);
  }

  @Route({
    at: 'school',
    access: { signedIn: OWN },
    errors: [noProfileHere, preferencesInvalid('channels', [])],
  })
  @Put()
  @ApiOperation({ summary: 'Change your switches and quiet hours, all or nothing' })
  @ApiOkResponse({ type: PreferencesView })
  update(@Body() changes: UpdatePreferencesDto): Promise<PreferencesView> {
    return this.preferences.update(this.principal.principal.userId, changes);
  }
}
