import type { TestProject } from 'vitest/node';
import { resolveServices } from './services.js';

/**
 * Global setup of the `integration` vitest project: vitest runs it only when integration test
 * files are selected, so unit runs never start services. Tests read the endpoints with
 * `inject('services')`; teardown stops only what this run started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { services, stop } = await resolveServices((message) => console.error(`[services] ${message}`));
  project.provide('services', services);
  return stop;
}
