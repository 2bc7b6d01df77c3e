import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  prepareDrillPeople,
  alertProblems,
  drillEpisode,
  openLiveClient,
  seededRandom,
  sleep,
  startAdministrator,
  startDeviceLoad,
  startOperator,
  storedReadings,
  DRILL_RULE_SET,
  type LiveClient,
} from '../../test-support/fault-drill.js';
import { cityEnvironment, startCityProcess, type CityProcess } from './support/city-process.js';

/**
 * `npm start` killed with SIGKILL at random moments under load, ten times in a row, restarted each
 * time on the same data directory and ports. While it runs, air stations publish a few thousand
 * readings a second at QoS 1 and cross the drill rule's PM2.5 limit every few seconds, an
 * operator acknowledges the alerts as they open, an administrator puts a new version of a rule
 * set every 300 ms, and a dashboard WebSocket is open with the operator's session. After each
 * restart: every reading whose PUBACK arrived is in the store, every acknowledgement and rule
 * change answered with success is there, no alert opened twice or came back open, and the
 * WebSocket reconnects with the same token (no new login) and gets the live alert list.
 *
 * IOC_FAULT_ROUNDS, IOC_FAULT_RATE and IOC_FAULT_SEED change the drill; IOC_FAULT_REPORT names a
 * JSON file for the figures (RELIABILITY.md); IOC_FAULT_KEEP=1 keeps the data directory to look into.
 */
const ROUNDS = Number(process.env.IOC_FAULT_ROUNDS ?? 10);
const RATE = Number(process.env.IOC_FAULT_RATE ?? 2000);
const SEED = Number(process.env.IOC_FAULT_SEED ?? Date.now() % 1_000_000);
const STATIONS = Array.from({ length: 8 }, (_, i) => `aq-drill-${String(i + 1).padStart(2, '0')}`);
const DEVICE_PASSWORD = 'drill device password';

let dataDir: string;
let city: CityProcess | undefined;
let live: LiveClient | undefined;

afterAll(async () => {
  live?.close();
  await city?.kill();
  if (dataDir && !process.env.IOC_FAULT_KEEP) await rm(dataDir, { recursive: true, force: true });
});

interface Figures {
  seed: number;
  kills: number;
  killDelaysMs: number[];
  readingsSent: number;
  readingsAcknowledged: number;
  readingsFound: number;
  readingsMissing: string[];
  storedLines: number;
  tornLines: number;
  loadSeconds: number;
  acknowledgementsTried: number;
  acknowledgementsAnswered: number;
  acknowledgementsFound: number;
  ruleChangesAnswered: number;
  ruleVersionsFound: number;
  ruleVersionProblems: string[];
  alertsInHistory: number;
  alertProblems: string[];
  liveReconnects: number;
  liveProblems: string[];
}

describe('npm start killed with SIGKILL under load, again and again', () => {
  it(`keeps every acknowledged reading and every answered action across ${ROUNDS} kills; no alert twice or back open; the page's WebSocket carries on`, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ioc-sigkill-'));
    const store = join(dataDir, 'store');
    const environment = {
      ...(await cityEnvironment(dataDir)),
      MQTT_DEVICE_PASSWORD: DEVICE_PASSWORD,
    };
    const random = seededRandom(SEED);
    const figures: Figures = {
      seed: SEED,
      kills: 0,
      killDelaysMs: [],
      readingsSent: 0,
      readingsAcknowledged: 0,
      readingsFound: 0,
      readingsMissing: [],
      storedLines: 0,
      tornLines: 0,
      loadSeconds: 0,
      acknowledgementsTried: 0,
      acknowledgementsAnswered: 0,
      acknowledgementsFound: 0,
      ruleChangesAnswered: 0,
      ruleVersionsFound: 0,
      ruleVersionProblems: [],
      alertsInHistory: 0,
      alertProblems: [],
      liveReconnects: 0,
      liveProblems: [],
    };

    // First start: the generated admin creates an operator and an environment administrator.
    city = await startCityProcess(environment);
    const baseUrl = city.banner.dashboardUrl;
    const { operator, rules } = await prepareDrillPeople(baseUrl, city.banner.adminPassword!);

    const acknowledgedReadings = new Set<string>();
    const acknowledgedAlerts = new Set<string>();
    const nextSeq = new Map<string, number>();
    const devices = new Set(STATIONS);
    let ruleVersion = { answered: 1, tried: 1 };

    /** After a restart: what was answered before the kill must all be there. */
    const checkAfterRestart = async () => {
      // The page's WebSocket comes back with the token it had: no login in between.
      live = openLiveClient(baseUrl, operator.token);
      const snapshot = await live.snapshot.catch((error: Error) => {
        figures.liveProblems.push(`after kill ${figures.kills}: ${error.message}`);
        return [];
      });
      figures.liveReconnects += 1;
      for (const alert of snapshot) {
        if (acknowledgedAlerts.has(alert.id) && alert.state === 'open') figures.liveProblems.push(`after kill ${figures.kills}: ${alert.id} shown open again`);
      }

      const ruleSet = await rules.call(`/api/rule-sets/${DRILL_RULE_SET}`);
      const version = Number(ruleSet.body.version);
      if (ruleSet.status !== 200 || version < ruleVersion.answered || version > ruleVersion.tried) {
        figures.ruleVersionProblems.push(`after kill ${figures.kills}: version ${version} (${ruleSet.status}), answered ${ruleVersion.answered}, tried ${ruleVersion.tried}`);
      } else figures.ruleVersionsFound = figures.ruleChangesAnswered;
      ruleVersion = { answered: Number.isFinite(version) ? version : ruleVersion.answered, tried: Number.isFinite(version) ? version : ruleVersion.tried };

      // The store writer takes the bus log's backlog first; give it time, bounded.
      let stored = await storedReadings(store, devices);
      for (let waited = 0; waited < 30_000 && [...acknowledgedReadings].some((key) => !stored.keys.has(key)); waited += 500) {
        await sleep(500);
        stored = await storedReadings(store, devices);
      }
      const missing = [...acknowledgedReadings].filter((key) => !stored.keys.has(key));
      figures.readingsMissing.push(...missing.filter((key) => !figures.readingsMissing.includes(key)));
      figures.readingsFound = acknowledgedReadings.size - figures.readingsMissing.length;
      figures.storedLines = stored.lines;
      figures.tornLines = stored.unreadable;
    };

    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) {
        city = await startCityProcess(environment);
        await checkAfterRestart();
      } else {
        live = openLiveClient(baseUrl, operator.token);
        await live.snapshot;
      }

      const load = await startDeviceLoad({ mqttUrl: city.banner.mqttUrl, username: 'device', password: DEVICE_PASSWORD, stations: STATIONS, ratePerSecond: RATE, nextSeq });
      const acting = startOperator(operator);
      const changing = startAdministrator(rules, ruleVersion.answered);
      const started = Date.now();
      const delay = Math.round(1500 + random() * 3500);
      await sleep(delay);
      await city.kill();
      figures.kills += 1;
      figures.killDelaysMs.push(delay);
      figures.loadSeconds += (Date.now() - started) / 1000;
      await Promise.all([load.stop(), acting.stop(), changing.stop()]);
      await live?.closed;

      for (const key of load.acknowledged) acknowledgedReadings.add(key);
      for (const id of acting.acknowledged) acknowledgedAlerts.add(id);
      figures.readingsSent += load.sent();
      figures.readingsAcknowledged = acknowledgedReadings.size;
      figures.acknowledgementsTried += acting.attempts();
      figures.acknowledgementsAnswered = acknowledgedAlerts.size;
      figures.ruleChangesAnswered += changing.changesAnswered();
      ruleVersion = { answered: changing.answered(), tried: changing.tried() };
    }

    // The last kill's restart, then the history as a whole.
    city = await startCityProcess(environment);
    await checkAfterRestart();
    await sleep(2_000);
    const history = await operator.drillAlerts();
    figures.alertsInHistory = history.length;
    figures.alertProblems = alertProblems(history, acknowledgedAlerts, (alert) => drillEpisode(STATIONS, alert));
    figures.acknowledgementsFound = [...acknowledgedAlerts].filter((id) => history.some((alert) => alert.id === id && alert.state !== 'open')).length;
    live?.close();
    expect(await city.stop()).toBe(0);
    city = undefined;

    const summary = {
      ...figures,
      dataDir: process.env.IOC_FAULT_KEEP ? dataDir : undefined,
      readingsMissing: process.env.IOC_FAULT_KEEP ? figures.readingsMissing : figures.readingsMissing.slice(0, 20),
      readingsMissingCount: figures.readingsMissing.length,
      acknowledgedReadingsPerSecond: Math.round(figures.readingsAcknowledged / figures.loadSeconds),
    };
    console.log(`SIGKILL drill (embedded default): ${JSON.stringify(summary)}`);
    if (process.env.IOC_FAULT_REPORT) await writeFile(process.env.IOC_FAULT_REPORT, `${JSON.stringify(summary, null, 2)}\n`);

    expect(figures.kills).toBe(ROUNDS);
    expect(figures.readingsAcknowledged).toBeGreaterThan(ROUNDS * 1000);
    expect(figures.acknowledgementsAnswered).toBeGreaterThan(0);
    expect(figures.ruleChangesAnswered).toBeGreaterThan(0);
    expect(figures.readingsMissing).toEqual([]);
    expect(figures.ruleVersionProblems).toEqual([]);
    expect(figures.alertProblems).toEqual([]);
    expect(figures.acknowledgementsFound).toBe(figures.acknowledgementsAnswered);
    expect(figures.liveProblems).toEqual([]);
    expect(figures.liveReconnects).toBe(ROUNDS);
  }, 600_000);
});
