import type { Role } from '../types.ts';

/** Where a member sees an admin-only action: disabled, saying why (the API refuses it anyway). */
export const ADMIN_ONLY_HINT = 'Only admins may do this';

/** Props of a control only admins may use, for `role`. */
export function adminOnly(role: Role): { disabled?: true; title?: string } {
  return role === 'admin' ? {} : { disabled: true, title: ADMIN_ONLY_HINT };
}
