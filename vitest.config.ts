import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `unit`: every `<part>/test/**\/*.test.ts` that is not an integration file; needs no services.
 * - `integration`: `*.int.test.ts` (against real Kafka, Mosquitto and the time-series store) and
 *   `*.docker.test.ts` (start their own containers; skipped without Docker). Its global setup
 *   (test-support/global-setup.ts) finds or starts the services, and vitest runs it only when
 *   files of this project are selected, so `vitest run --project unit` or a single unit file never
 *   starts anything. Integration files run one at a time: they share the services and two cores.
 */
const INTEGRATION = ['*/test/**/*.int.test.ts', '*/test/**/*.docker.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['*/test/**/*.test.ts'], exclude: [...configDefaults.exclude, '**/*.int.test.ts', '**/*.docker.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          globalSetup: ['test-support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
