import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How the child process opens the bus under test. */
export type CrashChildBus = { kind: 'embedded'; directory: string } | { kind: 'kafka'; brokers: string[]; topicPrefix: string };

export interface CrashPlan {
  /** Telemetry records the child publishes and handles as group `crash` first. */
  handle: number;
  /** Records it then publishes one by one, reporting each publish that resolved. */
  publish: number;
}

export interface CrashOutcome {
  handled: number;
  published: number;
}

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/**
 * Runs crash-child.ts on the bus, waits until it has handled and published what the plan says
 * (never committing offsets), then kills it with SIGKILL: no close, no flush, no commit.
 */
export function runUntilKilled(bus: CrashChildBus, plan: CrashPlan, timeoutMs = 90_000): Promise<CrashOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ bus, plan })], { stdio: ['ignore', 'pipe', 'pipe'] });
    const outcome: CrashOutcome = { handled: 0, published: 0 };
    let stderr = '';
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the crash child did not get ready in ${timeoutMs} ms (${JSON.stringify(outcome)}): ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [what, count] = line.split(' ');
        if (what === 'handled') outcome.handled = Number(count);
        if (what === 'published') outcome.published = Number(count);
        if (what === 'ready') child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(outcome);
      else reject(new Error(`the crash child exited by itself (code ${code}): ${stderr}`));
    });
  });
}
