import { createTestPostgresDatabase } from '../../test-support/postgres.js';
import { describeSharedRecord } from './support/shared-record-suite.js';

describeSharedRecord('PostgreSQL', async () => {
  const database = await createTestPostgresDatabase();
  return { location: { url: database.url }, drop: database.drop };
});
