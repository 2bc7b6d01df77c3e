import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the page: one small folder of static files, read once at start. `/` is index.html. The
 * page holds no data; everything it shows comes from the authenticated API and WebSocket.
 */
export async function registerStaticAssets(app: FastifyInstance, folder: string): Promise<void> {
  for (const name of await readdir(folder)) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue;
    const body = await readFile(join(folder, name));
    const handler = async (_request: unknown, reply: FastifyReply) => reply.type(type).header('cache-control', 'no-cache').send(body);
    const schema = { tags: ['page'], summary: `The dashboard page: ${name}`, produces: [type.split(';')[0]] };
    app.get(`/${name}`, { schema }, handler);
    if (name === 'index.html') app.get('/', { schema }, handler);
  }
}
