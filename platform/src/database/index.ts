export { openDatabase, type Database, type DatabaseEngine, type DatabaseLocation } from './database.js';
export { migrateDatabase, type Migration, type MigrationPlan } from './migrate.js';
export { DatabaseConfigSchema, databaseLocation, type DatabaseConfig } from './config.js';
