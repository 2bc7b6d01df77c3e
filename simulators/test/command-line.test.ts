import { describe, expect, it } from 'vitest';
import { IocError } from '../../platform/src/index.js';
import { helpText, parseCommandLine } from '../src/command-line.js';

function refusal(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(IocError);
    expect((error as IocError).code).toBe('IOC_SIMULATOR_OPTIONS_INVALID');
    return (error as IocError).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the simulate command line', () => {
  it('reads flags into options, with the documented defaults for the rest', () => {
    const command = parseCommandLine(['--air', '3', '--lamps', '0', '--speed', '1', '--spike-rate', '0.01', '--start', '2026-01-15T07:00:00+07:00', '--scenario', 'pollution-episode']);
    expect(command.action).toBe('run');
    if (command.action !== 'run') return;
    expect(command.options).toMatchObject({
      url: 'mqtt://127.0.0.1:1883',
      seed: 1,
      speed: 1,
      start: Date.parse('2026-01-15T00:00:00Z'),
      scenario: 'pollution-episode',
      fleet: { air: 3, lamps: 0, counters: 40 },
      faults: { spike: 0.01, malformed: 0.001 },
    });
  });

  it('takes the broker from MQTT_URL unless --url is given', () => {
    const env = { MQTT_URL: 'mqtt://broker:1884', MQTT_USERNAME: 'sim', MQTT_PASSWORD: 'secret' };
    expect(parseCommandLine([], env)).toMatchObject({ options: { url: 'mqtt://broker:1884', username: 'sim', password: 'secret' } });
    expect(parseCommandLine(['--url', 'mqtt://other:1883'], env)).toMatchObject({ options: { url: 'mqtt://other:1883' } });
  });

  it.each([
    [['--air', 'many'], '--air: expected a number, got "many"'],
    [['--spike-rate', '2'], '--spike-rate:'],
    [['--interval', '5', '--rate', '100'], '--rate: give either an interval or a rate, not both'],
    [['--province', 'Huế'], '--province: unknown province "Huế"'],
    [['--url', 'http://broker'], '--url (or MQTT_URL):'],
    [['--start', 'yesterday'], '--start: expected a date-time with zone'],
    [['--scenario', 'earthquake'], '--scenario:'],
    [['--scenario', 'pollution-episode', '--scenario-station', 'air-nowhere-01'], '--scenario-station: "air-nowhere-01" is not an air station'],
    [['--scenario', 'pollution-episode', '--air', '0'], '--air: the pollution-episode scenario needs at least one air station'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('names the wrong option in %j', (argv, expected) => {
    expect(refusal(argv)).toContain(expected);
  });

  it('documents every flag with its default', () => {
    const help = helpText();
    for (const flag of ['--url', '--air', '--rain-gauges', '--interval', '--rate', '--seed', '--speed', '--duration', '--spike-rate', '--drift-rate', '--stuck-rate', '--silent-rate', '--malformed-rate', '--invalid-rate', '--province', '--scenario']) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/--interval <s>\s+real seconds between two readings of one device \(default 10\)/);
    expect(help).toMatch(/--speed <x>.*\(default 60\)/);
    expect(help).toContain('(default mqtt://127.0.0.1:1883)');
  });

  it('answers --help and --list-devices without a broker', () => {
    expect(parseCommandLine(['-h'])).toEqual({ action: 'help' });
    expect(parseCommandLine(['--list-devices', '--province', 'Đà Nẵng'])).toMatchObject({ action: 'list-devices', options: { province: 'Đà Nẵng' } });
  });
});
