import { Injectable } from '@nestjs/common';
import { selectRows } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

/** An active role of one person, with the permission codes the school's table gives it. */
export interface HeldRoleRow {
  id: string;
  name: string;
  system_key: string | null;
  permissions: string[];
}

/**
 * The access lookup's one query. It runs in a short transaction of the lookup's own (the
 * cache's miss), hence the manager argument.
 */
@Injectable()
export class SchoolAccessRepository {
  /** The person's active roles, by name. */
  heldRoles(manager: EntityManager, userId: string): Promise<HeldRoleRow[]> {
    return selectRows<HeldRoleRow>(
      manager,
      `SELECT r.id, r.name, r.system_key,
              coalesce(array_agg(rp.permission_code) FILTER (WHERE rp.permission_code IS NOT NULL),
                       '{}') AS permissions
         FROM user_roles ur
         JOIN roles r ON r.id = ur.role_id
         LEFT JOIN role_permissions rp ON rp.role_id = r.id
        WHERE ur.user_id = $1 AND ur.is_active
        GROUP BY r.id
        ORDER BY r.name`,
      [userId],
    );
  }
}
