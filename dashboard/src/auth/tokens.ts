import { dashboardError } from '../errors.js';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema } from './roles.js';

/** What a token proves: who logged in, with which role, until when (epoch ms). */
export const SessionSchema = z.strictObject({
  username: z.string().min(1),
  role: RoleSchema,
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type Session = z.infer<typeof SessionSchema>;

export interface TokenOptions {
  /** HMAC-SHA256 key. Replicas behind one load balancer must share it, or tokens work on one replica only. */
  secret: string;
  ttlMs: number;
  now: () => number;
}

/**
 * Stateless session tokens `base64url(session JSON).base64url(HMAC-SHA256)`: any replica verifies
 * them with the shared secret and no database. The alphabet (letters, digits, "-", "_", ".") is
 * also valid in a WebSocket subprotocol name, which is how browsers present them on /ws.
 */
export class SessionTokens {
  constructor(private readonly options: TokenOptions) {}

  issue(username: string, role: Session['role']): { token: string; session: Session } {
    const issuedAt = this.options.now();
    const session: Session = { username, role, issuedAt, expiresAt: issuedAt + this.options.ttlMs };
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, session };
  }

  /** Throws IOC_UNAUTHENTICATED for a forged or malformed token, IOC_SESSION_EXPIRED for an old one. */
  verify(token: string): Session {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) throw dashboardError('IOC_UNAUTHENTICATED');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw dashboardError('IOC_UNAUTHENTICATED');
    const session = SessionSchema.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!session.success) throw dashboardError('IOC_UNAUTHENTICATED');
    if (session.data.expiresAt <= this.options.now()) throw dashboardError('IOC_SESSION_EXPIRED');
    return session.data;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.options.secret).update(payload).digest('base64url');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A secret for when none is configured: tokens then die with the process and work on this replica only. */
export function generateTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}
