import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import-boundaries rules of eslint.config.js, run through ESLint's Node API on small
 * sources placed (virtually) in the tree: what `npm run lint` reports for them.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

describe('lint: import boundaries between parts', () => {
  it("refuses a deep import of another part's internals and names the public entry", async () => {
    const found = await problems('standalone/src/boundary-fixture.ts', `import { platformError } from '../../platform/src/errors.js';\nexport const used = platformError;\n`);
    expect(found).toEqual([
      {
        rule: 'boundaries/dependencies',
        line: 1,
        message: 'Import another part only through its public entry (platform/src/index.ts), not ../../platform/src/errors.js.',
      },
    ]);
  });

  it('refuses type imports, re-exports and dynamic imports of internals alike', async () => {
    const found = await problems(
      'standalone/src/boundary-fixture.ts',
      `import type { IocError } from '../../platform/src/errors.js';\nexport type { Bus } from '../../platform/src/bus/index.js';\nexport type Coded = IocError;\nexport const logger = await import('../../platform/src/logger.js');\n`,
    );
    expect(found.map((p) => `${p.line} ${p.rule}`)).toEqual(['1 boundaries/dependencies', '2 boundaries/dependencies', '4 boundaries/dependencies']);
  });

  it("accepts an import of another part's public entry", async () => {
    const found = await problems('standalone/src/boundary-fixture.ts', `import { platformError } from '../../platform/src/index.js';\nexport const used = platformError;\n`);
    expect(found).toEqual([]);
  });

  it("lets a part's own files and tests import anything inside the part", async () => {
    expect(await problems('platform/src/boundary-fixture.ts', `import { platformError } from './errors.js';\nexport const used = platformError;\n`)).toEqual([]);
    expect(await problems('platform/test/boundary-fixture.test.ts', `import { platformError } from '../src/errors.js';\nexport const used = platformError;\n`)).toEqual([]);
  });

  it("holds tests, e2e/ and scripts/ to the parts' public entries too", async () => {
    for (const filePath of ['ingest/test/boundary-fixture.test.ts', 'e2e/test/boundary-fixture.test.ts', 'scripts/bench/boundary-fixture.ts']) {
      const found = await problems(filePath, `import { platformError } from '../../platform/src/errors.js';\nexport const used = platformError;\n`);
      expect(found.map((p) => p.rule), filePath).toEqual(['boundaries/dependencies']);
    }
  });

  it('lets tests and scripts import test-support/, and refuses it in shipped code', async () => {
    const code = `import * as support from '../../test-support/readings.js';\nexport const used = support;\n`;
    expect(await problems('ingest/test/boundary-fixture.test.ts', code)).toEqual([]);
    expect(await problems('dashboard/scripts/boundary-fixture.ts', code)).toEqual([]);
    expect(await problems('e2e/test/boundary-fixture.test.ts', code)).toEqual([]);
    expect(await problems('ingest/src/boundary-fixture.ts', code)).toEqual([
      {
        rule: 'boundaries/dependencies',
        line: 1,
        message: 'test-support/ is for tests, benchmarks and scripts; shipped code (src/) must not import ../../test-support/readings.js.',
      },
    ]);
  });
});

describe('lint: the rule core does no I/O', () => {
  it('refuses Node modules other than node:crypto in rule-core/src', async () => {
    const found = await problems(
      'rule-core/src/boundary-fixture.ts',
      `import { hash } from 'node:crypto';\nimport { readFileSync } from 'node:fs';\nimport { join } from 'path';\nexport const used = [hash, readFileSync, join, await import('node:os')];\n`,
    );
    expect(found.map((p) => `${p.line} ${p.rule}`)).toEqual(['2 no-restricted-imports', '3 no-restricted-imports', '4 no-restricted-syntax']);
  });

  it('leaves the other parts free to do I/O', async () => {
    expect(await problems('processor/src/boundary-fixture.ts', `import { readFileSync } from 'node:fs';\nexport const used = readFileSync;\n`)).toEqual([]);
  });
});
