import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { IocError, defineErrors } from '../src/errors.js';

const partError = defineErrors({
  IOC_EXAMPLE_REFUSED: { status: 409, message: (what) => `The example refused ${what}; try again later.` },
});

describe('coded errors', () => {
  it('builds the message, status and details from the part’s own registry', () => {
    const error = partError('IOC_EXAMPLE_REFUSED', ['the change'], { details: { field: 'name' } });
    expect(error).toBeInstanceOf(IocError);
    expect(error).toMatchObject({ code: 'IOC_EXAMPLE_REFUSED', statusCode: 409, message: 'The example refused the change; try again later.' });
    expect(error.toJSON()).toEqual({ code: 'IOC_EXAMPLE_REFUSED', message: error.message, details: { field: 'name' } });
  });

  it('keeps the cause, logs it, and never sends it to a client', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });
    const error = partError('IOC_EXAMPLE_REFUSED', ['the connection'], { cause: root });
    expect(error.cause).toBe(root);
    expect(JSON.stringify(error.toJSON())).not.toContain('ECONNREFUSED');
    const lines: string[] = [];
    const logger = pino({ base: null }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    logger.error({ err: error }, 'failed');
    expect(JSON.parse(lines[0]).err.stack).toContain('caused by: Error: connect ECONNREFUSED 127.0.0.1:9092');
  });
});
