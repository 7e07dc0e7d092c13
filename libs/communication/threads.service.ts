import { Injectable } from '@nestjs/common';
import { type ScopedCaller } from '@schoolyard/rbac';
import {
  type MessagesQuery,
  type OpenedThreadView,
  type OpenThreadDto,
  type ThreadKind,
  type ThreadPage,
  type ThreadsQuery,
  type ThreadView,
} from './dto/messages.dto';
import {
  oversightRequired,
  participantsInvalid,
  participantsNotFound,
  recipientNotAllowed,
  senderNotStaff,
  threadNotFound,
} from './messages.errors';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { type NamedPerson, ThreadsRepository } from './threads.repository';

/**
 * Message threads. Staff open them (messages.send); an instructor reaches staff, the students
 * they teach and those students' guardians, an office everyone (message-scope.ts). Anyone in
 * a thread reads and replies in it; a safeguarding overseer reads staff–student threads.
 */
@Injectable()
export class ThreadsService {
  constructor(
    private readonly threads: ThreadsRepository,
    private readonly messages: MessagesRepository,
    private readonly posting: MessagesService,
  ) {}

  async open(caller: ScopedCaller, request: OpenThreadDto): Promise<OpenedThreadView> {
    const studentId = request.studentId ?? null;
    const named = await this.threads.recipients(
      caller.userId,
      request.participantIds,
      studentId,
      caller.reachesAll,
    );
    if (!named.sender) throw senderNotStaff();
    const unknown = named.people.filter((person) => person.kind === null).map(({ id }) => id);
    if (studentId && !named.student.known) unknown.push(studentId);
    if (unknown.length) throw participantsNotFound(unknown);
    if (!named.people.length) throw participantsInvalid(['name someone besides yourself']);
    const kind = kindOf(named.people);
    const refused = named.people.filter((person) => !person.allowed).map(({ id }) => id);
    if (studentId && !named.student.taught) refused.push(studentId);
    if (refused.length) throw recipientNotAllowed(refused);

    const participantIds = named.people.map(({ id }) => id);
    const thread = await this.threads.open({
      kind,
      subject: request.subject,
      studentId,
      senderId: named.sender.id,
      participantIds,
      body: request.body,
    });
    const message = {
      id: thread.messageId,
      author: { profileId: named.sender.id, name: named.sender.name, kind: 'staff' as const },
      body: request.body,
      createdAt: thread.createdAt,
    };
    await this.posting.notify({ threadId: thread.id, subject: request.subject, message });
    return {
      id: thread.id,
      kind,
      subject: request.subject,
      student: studentId ? { id: studentId, name: named.student.name ?? '' } : null,
      participants: [
        message.author,
        ...named.people.map((person) => ({
          profileId: person.id,
          name: person.name,
          kind: person.kind!,
        })),
      ],
      createdAt: thread.createdAt,
      lastMessageAt: thread.createdAt,
      participating: true,
      message,
    };
  }

  async list(caller: ScopedCaller, query: ThreadsQuery): Promise<ThreadPage> {
    const overseeing = query.scope === 'oversee';
    const page = await this.threads.page(caller.userId, query, overseeing);
    if (overseeing && !page.oversees) throw oversightRequired();
    return {
      data: page.rows,
      meta: { page: query.page, pageSize: query.pageSize, total: page.total },
      unread: page.unread,
    };
  }

  async read(caller: ScopedCaller, threadId: string, query: MessagesQuery): Promise<ThreadView> {
    const thread = await this.threads.readThread(caller.userId, threadId);
    if (!thread) throw threadNotFound();
    // Reading it just now left nothing unread, so the count is not part of the answer.
    const { id, kind, subject, student, participants, createdAt, lastMessageAt } = thread;
    const messages = await this.messages.page(threadId, query);
    return {
      ...{ id, kind, subject, student, participants, createdAt, lastMessageAt },
      participating: thread.participating,
      messages,
    };
  }

  async markRead(caller: ScopedCaller, threadId: string): Promise<{ unread: number }> {
    const unread = await this.threads.markRead(caller.userId, threadId);
    if (unread === undefined) throw threadNotFound();
    return { unread };
  }

  async unread(caller: ScopedCaller): Promise<{ unread: number }> {
    return { unread: await this.threads.unread(caller.userId) };
  }
}

/** The thread's kind follows whom the school side writes to; guardians and students never mix. */
function kindOf(people: NamedPerson[]): ThreadKind {
  const guardians = people.some((person) => person.kind === 'guardian');
  const students = people.some((person) => person.kind === 'student');
  if (guardians && students) {
    throw participantsInvalid(['write to guardians or to students, not to both in one thread']);
  }
  return guardians ? 'staff_guardian' : students ? 'staff_student' : 'staff_staff';
}
