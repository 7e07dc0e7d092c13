import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { AuditEventsService } from './audit-events.service';
import { historyStudentNotFound } from './audit.errors';
import { AuditEventPage, AuditEventsQuery, AuditPageQuery } from './dto/audit-events.dto';

@ApiTags('Audit')
@Controller('api/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditEventsService) {}

  @Route({ at: 'school', access: { permissions: ['audit.view'] } })
  @Get()
  @ApiOperation({
    summary:
      "The school's audit trail, newest first: row changes (who, when, from which request, what before and after) and events such as sign-ins",
  })
  @ApiOkResponse({ type: AuditEventPage })
  list(@Query() query: AuditEventsQuery): Promise<AuditEventPage> {
    return this.audit.list(query);
  }
}

@ApiTags('Audit')
@Controller('api/students')
export class StudentHistoryController {
  constructor(private readonly audit: AuditEventsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['audit.view', 'students.view'] },
    errors: [historyStudentNotFound],
  })
  @Get(':id/history')
  @ApiOperation({
    summary:
      "A student's history, newest first: every audit entry about them (their record, enrolments, guardians, grades, marks, attendance, fees)",
  })
  @ApiOkResponse({ type: AuditEventPage })
  history(@Param() params: IdParams, @Query() query: AuditPageQuery): Promise<AuditEventPage> {
    return this.audit.history(params.id, query);
  }
}
