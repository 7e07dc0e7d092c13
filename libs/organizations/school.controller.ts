import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { nothingToChange, Route } from '@schoolyard/common';
import { SchoolSettingsView, UpdateSchoolSettingsDto } from './dto/school-settings.dto';
import { currencyInUse, SchoolSettingsService } from './school-settings.service';

@ApiTags('School')
@Controller('api/school')
export class SchoolController {
  constructor(private readonly settings: SchoolSettingsService) {}

  @Route({ at: 'school', access: 'public' })
  @Get()
  @ApiOperation({
    summary:
      "This school's settings (served at the school's address); public, for its sign-in page",
  })
  @ApiOkResponse({ type: SchoolSettingsView })
  get(): Promise<SchoolSettingsView> {
    return this.settings.get();
  }

  @Route({
    at: 'school',
    access: { permissions: ['school.update'] },
    errors: [nothingToChange, currencyInUse],
  })
  @Patch()
  @ApiOperation({ summary: "Change this school's settings (school.update)" })
  @ApiOkResponse({ type: SchoolSettingsView })
  update(@Body() changes: UpdateSchoolSettingsDto): Promise<SchoolSettingsView> {
    return this.settings.update(changes);
  }
}
