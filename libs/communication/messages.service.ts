import { Injectable } from '@nestjs/common';
import { type ScopedCaller } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { DeliveryQueue } from './delivery-queue';
import { type MessageView } from './dto/messages.dto';
import { threadNotFound } from './messages.errors';
import { MessagesRepository, OTHER_PARTICIPANTS } from './messages.repository';
import { writeNotifications } from './notifications-writer';

/** How much of a message its notification (and so its email) carries. */
const PREVIEW_LENGTH = 300;

/** What a new message's notification says. */
export interface NewMessage {
  threadId: string;
  subject: string;
  message: MessageView;
}

/**
 * Posting in a thread. Only its participants post (guardians and students too, with no
 * permission: the thread is theirs); each post notifies everyone else in it, by email where
 * the school and the person allow, in one statement whatever their number.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly tenant: TenantContext,
    private readonly deliveries: DeliveryQueue,
  ) {}

  async post(caller: ScopedCaller, threadId: string, body: string): Promise<MessageView> {
    const posted = await this.messages.post(caller.userId, threadId, body);
    if (!posted) throw threadNotFound();
    await this.notify(posted);
    return posted.message;
  }

  /** Tells the thread's other participants; their deliveries leave after the commit. */
  async notify({ threadId, subject, message }: NewMessage): Promise<void> {
    const author = message.author?.name ?? 'Someone';
    const preview =
      message.body.length > PREVIEW_LENGTH
        ? `${message.body.slice(0, PREVIEW_LENGTH - 1)}…`
        : message.body;
    const written = await writeNotifications(this.tenant.manager, {
      recipientsSql: OTHER_PARTICIPANTS,
      parameters: [threadId, message.author?.profileId ?? null],
      category: 'message',
      title: `${author}: ${subject}`.slice(0, 200),
      body: preview,
      data: { threadId, messageId: message.id },
      sourceKey: `message:${message.id}`,
      channels: ['email'],
    });
    if (written.deliveries > 0) this.deliveries.wakeAfterCommit();
  }
}
