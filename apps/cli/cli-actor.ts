import { userInfo } from 'node:os';

/**
 * Who ran this command, as the platform audit trail names a maintainer. The operating-system
 * user is what a shared operations host can tell apart; where it has none (a container run
 * with an unnamed uid) the uid stands in.
 */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
