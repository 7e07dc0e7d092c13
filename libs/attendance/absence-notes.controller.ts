import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import {
  AbsenceNoteDecisionView,
  AbsenceNotePage,
  AbsenceNotesQuery,
  AbsenceNoteView,
  DecideAbsenceNoteDto,
  SubmitAbsenceNoteDto,
} from './dto/absence-notes.dto';
import {
  absenceNoteDecided,
  absenceNoteNotFound,
  childNotFound,
  notePeriodInvalid,
} from './absence-notes.errors';
import { AbsenceNotesService } from './absence-notes.service';

const GUARDIANS_OWN =
  'a guardian reaches only the children linked to their own guardian profile; others are 404';

/** A guardian's side: notes for their own children. */
@ApiTags('Absence notes')
@Controller('api/guardians/my-children')
export class MyChildrenAbsenceNotesController {
  constructor(private readonly notes: AbsenceNotesService) {}

  @Route({
    at: 'school',
    access: { signedIn: GUARDIANS_OWN },
    errors: [childNotFound, notePeriodInvalid([])],
  })
  @Post(':id/absence-notes')
  @ApiOperation({ summary: 'Send the school an absence note for one of your children' })
  @ApiCreatedResponse({ type: AbsenceNoteView })
  submit(@Param() { id }: IdParams, @Body() note: SubmitAbsenceNoteDto): Promise<AbsenceNoteView> {
    return this.notes.submit(id, note);
  }

  @Route({ at: 'school', access: { signedIn: GUARDIANS_OWN }, errors: [childNotFound] })
  @Get(':id/absence-notes')
  @ApiOperation({ summary: "Your child's absence notes and what the school decided" })
  @ApiOkResponse({ type: [AbsenceNoteView] })
  ofChild(@Param() { id }: IdParams): Promise<AbsenceNoteView[]> {
    return this.notes.ofChild(id);
  }
}

/** The office's side: the queue of notes and their decisions. */
@ApiTags('Absence notes')
@Controller('api/attendance/absence-notes')
export class AbsenceNotesController {
  constructor(private readonly notes: AbsenceNotesService) {}

  @Route({ at: 'school', access: { permissions: ['attendance.view'] } })
  @Get()
  @ApiOperation({ summary: 'Absence notes, pending first; by status or student' })
  @ApiOkResponse({ type: AbsenceNotePage })
  list(@Query() query: AbsenceNotesQuery): Promise<AbsenceNotePage> {
    return this.notes.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.manage'] },
    errors: [absenceNoteNotFound, absenceNoteDecided('approved')],
  })
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: "Approve a pending note: the student's absences on its days become excused",
  })
  @ApiOkResponse({ type: AbsenceNoteDecisionView })
  approve(
    @Param() { id }: IdParams,
    @Body() decision: DecideAbsenceNoteDto,
  ): Promise<AbsenceNoteDecisionView> {
    return this.notes.approve(id, decision.note);
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.manage'] },
    errors: [absenceNoteNotFound, absenceNoteDecided('rejected')],
  })
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending note: nothing else changes' })
  @ApiOkResponse({ type: AbsenceNoteDecisionView })
  reject(
    @Param() { id }: IdParams,
    @Body() decision: DecideAbsenceNoteDto,
  ): Promise<AbsenceNoteDecisionView> {
    return this.notes.reject(id, decision.note);
  }
}
