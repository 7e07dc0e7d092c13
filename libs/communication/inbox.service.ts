import { Injectable } from '@nestjs/common';
import {
  type InboxPage,
  type InboxQuery,
  type NotificationView,
  type ReadAllView,
} from './inbox.dto';
import { notificationNotFound } from './inbox.errors';
import { InboxRepository } from './inbox.repository';

/**
 * A person's inbox in this school: the notifications of their own profiles, newest first.
 * Takes the account as an argument, so a command can read anyone's.
 */
@Injectable()
export class InboxService {
  constructor(private readonly inbox: InboxRepository) {}

  async list(userId: string, query: InboxQuery): Promise<InboxPage> {
    const { items, total, unreadCount } = await this.inbox.page(userId, query);
    return {
      data: items,
      meta: { page: query.page, pageSize: query.pageSize, total },
      unreadCount,
    };
  }

  async markRead(userId: string, id: string): Promise<NotificationView> {
    const read = await this.inbox.markRead(userId, id);
    if (!read) throw notificationNotFound();
    return read;
  }

  async markAllRead(userId: string): Promise<ReadAllView> {
    return { marked: await this.inbox.markAllRead(userId), unreadCount: 0 };
  }
}
