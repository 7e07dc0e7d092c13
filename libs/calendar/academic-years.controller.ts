import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import { AcademicYearsService } from './academic-years.service';
import {
  academicYearNameTaken,
  academicYearNotFound,
  academicYearOverlap,
  termNameTaken,
  termOutsideYear,
  termOverlap,
  termsOutsideYear,
} from './calendar.errors';
import {
  AcademicYearView,
  CreateAcademicYearDto,
  UpdateAcademicYearDto,
} from './dto/academic-years.dto';
import { CreateTermDto, TermView } from './dto/terms.dto';
import { TermsService } from './terms.service';

const OTHER_YEAR = { id: '00000000-0000-4000-8000-000000000000', name: '2024-2025' };

@ApiTags('Calendar')
@Controller('api/calendar/academic-years')
export class AcademicYearsController {
  constructor(
    private readonly years: AcademicYearsService,
    private readonly terms: TermsService,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [academicYearOverlap(OTHER_YEAR), academicYearNameTaken],
  })
  @Post()
  @ApiOperation({ summary: 'Create an academic year (its dates may not overlap another year)' })
  @ApiCreatedResponse({ type: AcademicYearView })
  create(@Body() year: CreateAcademicYearDto): Promise<AcademicYearView> {
    return this.years.create(year);
  }

  @Route({ at: 'school', access: { permissions: ['calendar.view'] } })
  @Get()
  @ApiOperation({ summary: "The school's academic years, earliest first" })
  @ApiOkResponse({ type: [AcademicYearView] })
  list(): Promise<AcademicYearView[]> {
    return this.years.list();
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.view'] },
    errors: [academicYearNotFound],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One academic year' })
  @ApiOkResponse({ type: AcademicYearView })
  get(@Param() params: IdParams): Promise<AcademicYearView> {
    return this.years.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [
      academicYearNotFound,
      nothingToChange,
      academicYearOverlap(OTHER_YEAR),
      academicYearNameTaken,
      termsOutsideYear([]),
    ],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Rename an academic year or move its dates (not over another year, nor off its terms)',
  })
  @ApiOkResponse({ type: AcademicYearView })
  update(
    @Param() params: IdParams,
    @Body() changes: UpdateAcademicYearDto,
  ): Promise<AcademicYearView> {
    return this.years.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [academicYearNotFound, inUse({ sections: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an academic year without sections or exams (its terms go too)' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.years.remove(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [academicYearNotFound],
  })
  @Post(':id/make-current')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make this the current academic year (the previous one stops being)' })
  @ApiOkResponse({ type: AcademicYearView })
  makeCurrent(@Param() params: IdParams): Promise<AcademicYearView> {
    return this.years.makeCurrent(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.manage'] },
    errors: [
      academicYearNotFound,
      termOutsideYear({ startsOn: '2025-08-18', endsOn: '2026-06-26' }),
      termOverlap({ id: OTHER_YEAR.id, name: 'Autumn term' }),
      termNameTaken,
    ],
  })
  @Post(':id/terms')
  @ApiOperation({ summary: 'Add a term to the year: within its dates, not overlapping its terms' })
  @ApiCreatedResponse({ type: TermView })
  addTerm(@Param() params: IdParams, @Body() term: CreateTermDto): Promise<TermView> {
    return this.terms.create(params.id, term);
  }

  @Route({
    at: 'school',
    access: { permissions: ['calendar.view'] },
    errors: [academicYearNotFound],
  })
  @Get(':id/terms')
  @ApiOperation({ summary: "The year's terms, in order" })
  @ApiOkResponse({ type: [TermView] })
  termsOf(@Param() params: IdParams): Promise<TermView[]> {
    return this.terms.listOf(params.id);
  }
}
