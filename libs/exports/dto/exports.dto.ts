import { OmitType } from '@nestjs/swagger';
import { SessionListQuery } from '@schoolyard/attendance';
import { PageQuery } from '@schoolyard/common';
import { InvoiceListQuery } from '@schoolyard/fees';
import { StudentListQuery } from '@schoolyard/people';

/*
 * Each export takes its list's own query, less the paging: an export is every row the list
 * would show across all its pages.
 */

export class StudentsExportQuery extends OmitType(StudentListQuery, ['page', 'pageSize']) {}

/** Staff and guardians: the lists' search. */
export class PeopleExportQuery extends OmitType(PageQuery, ['page', 'pageSize']) {}

/** The registers list's query: a section, from and to (at most 366 days), a kind. */
export class AttendanceExportQuery extends SessionListQuery {}

/** The invoices list's filters (it has no search). */
export class FeesExportQuery extends OmitType(InvoiceListQuery, ['page', 'pageSize', 'search']) {}
