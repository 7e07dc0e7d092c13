import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';
import { ViewersRepository } from './viewers.repository';

/**
 * Who is looking at coursework, in this school's terms. Row-level rules read it: an instructor
 * reaches the sections they teach, a student their own sections and submissions, a guardian
 * their linked children's; an overseer reads everything and writes nothing. One person may be
 * several of these (a teacher who is also a parent here).
 */
export interface CourseworkViewer {
  overseesAll: boolean;
  /** The caller's active staff profiles. */
  instructorIds: string[];
  /** The caller's own student profiles. */
  studentIds: string[];
  /** The students linked to the caller's guardian profiles. */
  childIds: string[];
}

/** Viewers for work done outside HTTP (a seeding command acting as a given person). */
export const Viewers = {
  instructor: (staffId: string): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [staffId],
    studentIds: [],
    childIds: [],
  }),
  student: (studentId: string): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [],
    studentIds: [studentId],
    childIds: [],
  }),
  guardianOf: (childIds: string[]): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [],
    studentIds: [],
    childIds,
  }),
  overseer: (): CourseworkViewer => ({
    overseesAll: true,
    instructorIds: [],
    studentIds: [],
    childIds: [],
  }),
};

/** Students whose published content and submissions the viewer may read. */
export const learnersOf = (viewer: CourseworkViewer) => [...viewer.studentIds, ...viewer.childIds];

/** The signed-in caller as a viewer: their profiles here, and whether they hold coursework.oversee. */
@Injectable()
export class CallerViewer {
  constructor(
    private readonly viewers: ViewersRepository,
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  current(): Promise<CourseworkViewer> {
    return this.viewers.viewerOfAccount(
      this.principal.principal.userId,
      this.access.has('coursework.oversee'),
    );
  }
}
