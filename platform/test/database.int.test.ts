import { createTestPostgresDatabase } from '../../test-support/postgres.js';
import { describeDatabase } from './support/database-suite.js';

describeDatabase('PostgreSQL', async () => {
  const database = await createTestPostgresDatabase();
  return { location: { url: database.url }, drop: database.drop };
});
