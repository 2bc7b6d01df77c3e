import { z } from 'zod';

/**
 * Who may do what. Operators watch and handle alerts; environment administrators (the provincial
 * environment department) also change rule sets and read the audit trail; engineers look but do
 * not act on alerts; admins do everything, including users.
 */
export const RoleSchema = z.enum(['operator', 'environment-admin', 'engineer', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const PERMISSIONS = {
  'alert.act': ['operator', 'environment-admin', 'admin'],
  'audit.read': ['admin', 'environment-admin'],
  'rules.change': ['environment-admin', 'admin'],
  'user.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
