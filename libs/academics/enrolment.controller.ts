import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { MembershipView } from './dto/enrolment.dto';
import { studentNotFound } from './enrolment.errors';
import { EnrolmentService } from './enrolment.service';

/**
 * A student's sections, past and present. Served beside the student's own routes, where a
 * client looks for it, but answered here: memberships belong to academics, and the people
 * library knows nothing of sections.
 */
@ApiTags('Students')
@Controller('api/students')
export class StudentSectionsController {
  constructor(private readonly enrolment: EnrolmentService) {}

  @Route({
    at: 'school',
    access: { permissions: ['students.view', 'academics.view'] },
    errors: [studentNotFound],
  })
  @Get(':id/sections')
  @ApiOperation({
    summary:
      'Every section the student has been in, latest first, with when they joined and left (leftOn null: still there)',
  })
  @ApiOkResponse({ type: [MembershipView] })
  sectionsOf(@Param() params: IdParams): Promise<MembershipView[]> {
    return this.enrolment.membershipsOf(params.id);
  }
}
