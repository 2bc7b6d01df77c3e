import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, resolveAlert, type Alert } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { Outbox } from '../src/outbox.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

/** The alert changes of a breach at minutes 0–1 that ends at minute 2, as an engine reports them. */
function breachChanges(): Alert[] {
  const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
  return [readingAt(0, { pm25: 190 }), readingAt(1, { pm25: 190 }), readingAt(2, { pm25: 30 })].flatMap((reading) => engine.onReading(reading));
}

async function published(outbox: Outbox): Promise<string[]> {
  return (await outbox.publish()).map((alert) => alert.lastChange);
}

describe('outbox', () => {
  it('publishes every change the engine reports, once the bus takes it', async () => {
    const outbox = new Outbox(new InProcessBus());
    outbox.add(breachChanges());
    expect(await published(outbox)).toEqual(['opened', 'resolved']);
    expect(await published(outbox)).toEqual([]);
  });

  it('does not announce again changes already on the bus, as readings evaluated a second time after a restart report them', async () => {
    const [opened, resolved] = breachChanges();
    const outbox = new Outbox(new InProcessBus());
    // The first run published the opening; an operator acknowledged it; then the processor died.
    outbox.noteOnBus(opened);
    outbox.noteOnBus(acknowledgeAlert(opened, 'operator', opened.updatedAt + 30_000, 'đã cử người kiểm tra'));
    outbox.add([opened]);
    expect(await published(outbox)).toEqual([]);
    // What the first run never published goes out.
    outbox.add([resolved]);
    expect(await published(outbox)).toEqual(['resolved']);
    outbox.noteOnBus(resolved);
    outbox.add([resolveAlert(opened, 'system', resolved.updatedAt)]);
    expect(await published(outbox)).toEqual([]);
  });
});
