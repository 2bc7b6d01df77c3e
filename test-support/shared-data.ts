import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The team's reference data (NAB recordings, the Hanoi PM2.5 station), in `shared/data` beside
 * the repository (`../shared` from its root, see shared/README.md). A checkout elsewhere finds it
 * in the workplace's copy, /work/shared.
 */
export const SHARED_DATA = [fileURLToPath(new URL('../../shared/data', import.meta.url)), '/work/shared/data'].find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../shared/data', import.meta.url));
