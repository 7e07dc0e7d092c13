import { Body, Controller, Delete, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import { termNameTaken, termNotFound, termOutsideYear, termOverlap } from './calendar.errors';
import { TermView, UpdateTermDto } from './dto/terms.dto';
import { TermsService } from './terms.service';

@ApiTags('Calendar')
@Controller('api/calendar/terms')
export class TermsController {
  constructor(private readonly terms: TermsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [
      termNotFound,
      nothingToChange,
      termOutsideYear({ startsOn: '2025-08-18', endsOn: '2026-06-26' }),
      termOverlap({ id: '00000000-0000-4000-8000-000000000000', name: 'Spring term' }),
      termNameTaken,
    ],
  })
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a term or move its dates (within its year, off other terms)' })
  @ApiOkResponse({ type: TermView })
  update(@Param() params: IdParams, @Body() changes: UpdateTermDto): Promise<TermView> {
    return this.terms.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [termNotFound, inUse({ exams: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a term no exam belongs to' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.terms.remove(params.id);
  }
}
