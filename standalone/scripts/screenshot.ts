import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCity } from '../src/city.js';

/**
 * Renders docs/city.png for the README: the real embedded default (`npm start`) after it has
 * run for a while, logged in through the page in Debian's headless Chromium.
 *   npx tsx standalone/scripts/screenshot.ts [seconds to let the city run, default 45]
 */
const OUTPUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/city.png');
const seconds = Number(process.argv[2] ?? 45);
const password = 'screenshot-admin-password';

const city = await startCity(
  { PORT: '0', HOST: '127.0.0.1', MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', IOC_ADMIN_PASSWORD: password, IOC_DATA_DIR: await mkdtemp(join(tmpdir(), 'ioc-shot-')) },
  'silent',
);
const browser = await chromium.launch({
  executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(city.info.dashboardUrl);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await new Promise((done) => setTimeout(done, seconds * 1000));
  await page.screenshot({ path: OUTPUT });
  process.stdout.write(`wrote ${OUTPUT}\n`);
} finally {
  await browser.close();
  await city.close();
}
