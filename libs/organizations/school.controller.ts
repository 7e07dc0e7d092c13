import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@schoolyard/identity';
import { RequirePermissions } from '@schoolyard/rbac';
import { SchoolScoped } from '@schoolyard/tenancy';
import { SchoolSettingsView, UpdateSchoolSettingsDto } from './dto/school-settings.dto';
import { SchoolSettingsService } from './school-settings.service';

@ApiTags('School')
@SchoolScoped()
@Controller('api/school')
export class SchoolController {
  constructor(private readonly settings: SchoolSettingsService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      "This school's settings (served at the school's address); public, for its sign-in page",
  })
  @ApiOkResponse({ type: SchoolSettingsView })
  get(): Promise<SchoolSettingsView> {
    return this.settings.get();
  }

  @Patch()
  @ApiBearerAuth()
  @RequirePermissions('school.update')
  @ApiOperation({ summary: "Change this school's settings (school.update)" })
  @ApiOkResponse({ type: SchoolSettingsView })
  update(@Body() changes: UpdateSchoolSettingsDto): Promise<SchoolSettingsView> {
    return this.settings.update(changes);
  }
}
