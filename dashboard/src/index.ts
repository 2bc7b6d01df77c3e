export { createDashboard, type Dashboard, type DashboardOptions } from './dashboard.js';
export { AuditLog, type AuditLogOptions, type AuditRecord } from './audit/audit-log.js';
export { RoleSchema, type Role } from './auth/roles.js';
export { NewUserSchema, type NewUser } from './auth/users.js';
export { DashboardConfigSchema, type DashboardConfig } from './config.js';
export * from './ws-messages.js';
