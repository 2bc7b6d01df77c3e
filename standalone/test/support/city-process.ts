import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What `npm start` printed, read back from its banner. */
export interface Banner {
  text: string;
  dashboardUrl: string;
  mqttUrl: string;
  /** Only at the first start without IOC_ADMIN_PASSWORD. */
  adminPassword?: string;
  devicePassword?: string;
}

/** `npm start` as a child process: one node process (no tsx wrapper), so SIGKILL hits the city itself. */
export interface CityProcess {
  banner: Banner;
  child: ChildProcess;
  /** Ctrl+C: SIGINT, then waits for the process to exit. */
  stop(): Promise<number | null>;
  /** kill -9: nothing in the process gets to run. */
  kill(): Promise<void>;
  stderr(): string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start` on loopback, on free ports and the given data directory, with no simulated city. */
export async function cityEnvironment(dataDir: string): Promise<Record<string, string>> {
  return {
    IOC_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    MQTT_PORT: String(await freePort()),
    MQTT_HOST: '127.0.0.1',
    SIMULATE: 'false',
  };
}

export function parseBanner(text: string): Banner {
  const dashboardUrl = /Dashboard\s+(\S+)/.exec(text)?.[1];
  const mqttUrl = /publish to (\S+)/.exec(text)?.[1];
  if (!dashboardUrl || !mqttUrl) throw new Error(`not a start banner:\n${text}`);
  const adminPassword = /admin \/ (\S+)\s+\(generated/.exec(text)?.[1];
  const devicePassword = /device login \S+ \/ (\S+)\s+\(kept/.exec(text)?.[1];
  return { text, dashboardUrl: dashboardUrl.replace('localhost', '127.0.0.1'), mqttUrl, adminPassword, devicePassword };
}

/** Starts the city and resolves once its banner is out (the dashboard listens then). */
export async function startCityProcess(environment: Record<string, string>, timeoutMs = 90_000): Promise<CityProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'standalone/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const banner = await new Promise<Banner>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
    const check = () => {
      // The banner ends with the Ops line.
      if (!/^\s+Ops\s.*$/m.test(stdout)) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(parseBanner(stdout));
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the city exited with ${code} before its banner\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  return {
    banner,
    child,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    stderr: () => stderr,
  };
}
