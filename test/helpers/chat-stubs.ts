/** Stand-ins for the chat platforms' servers: a Bot Connector for Teams and a Slack Web API, both recording what they get. */
import crypto from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** When the call arrived (epoch ms), to compare with a time the bot stored; never a duration to assert. */
  at: number;
  /** The stub answered 429 (rateLimit). */
  limited?: boolean;
}

/**
 * A mock Bot Connector: records what the bot sends and answers as the Bot Framework would.
 * `rateLimit(times, retryAfter, conversation?)` answers the next `times` messages posted to that
 * conversation (any, when not given) with a 429 and that Retry-After (seconds), as the Bot Connector
 * throttles a conversation.
 */
export async function mockConnector(members: Record<string, string>) {
  const calls: Recorded[] = [];
  const limit: { times: number; retryAfter: number; conversation?: string } = { times: 0, retryAfter: 1 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      // Paths as the Bot Framework reads them: botbuilder escapes conversation ids, the Agents SDK does not.
      const call: Recorded = { method: req.method!, path: decodeURIComponent(req.url!), body, at: Date.now() };
      calls.push(call);
      const member = /\/v3\/conversations\/[^/]+\/members\/(.+)$/.exec(req.url!);
      res.setHeader('content-type', 'application/json');
      const posted = req.method === 'POST' ? /^\/v3\/conversations\/([^/]+)\/activities/.exec(call.path)?.[1] : undefined;
      if (posted !== undefined && limit.times > 0 && (limit.conversation === undefined || limit.conversation === posted)) {
        limit.times--;
        call.limited = true;
        res.setHeader('retry-after', String(limit.retryAfter));
        res.writeHead(429);
        return void res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'throttled' } }));
      }
      if (req.method === 'GET' && member) {
        const id = decodeURIComponent(member[1]!);
        const email = members[id];
        if (!email) return void res.writeHead(404).end('{}');
        return void res.end(JSON.stringify({ id, name: email, aadObjectId: `aad-${id}`, email, userPrincipalName: email, tenantId: 't1' }));
      }
      if (req.method === 'POST' && req.url === '/v3/conversations') return void res.end(JSON.stringify({ id: 'a:private-conv', activityId: 'p1' }));
      res.end(JSON.stringify({ id: `reply-${calls.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const rateLimit = (times: number, retryAfter: number, conversation?: string) => void Object.assign(limit, { times, retryAfter, conversation });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, calls, rateLimit, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

export const SECRET = 'test-signing-secret';

export interface Call {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A Slack Web API stub: users.info answers from `users` (id → e-mail, or a user object), users.lookupByEmail
 * finds the same people by e-mail (users_not_found otherwise), conversations.open gives `D<user id>`,
 * everything else ok. `rateLimit(method, times, retryAfter)` answers the next `times` calls of a method
 * with a 429 and that Retry-After (seconds), as Slack does.
 */
export async function slackStub(users: Record<string, string | Record<string, unknown>>) {
  const calls: Call[] = [];
  const limits = new Map<string, { times: number; retryAfter: number }>();
  const emailOf = (u: string | Record<string, unknown>) => (typeof u === 'string' ? u : String((u.profile as { email?: string } | undefined)?.email ?? ''));
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      calls.push({ path: req.url!, body });
      res.setHeader('content-type', 'application/json');
      const method = req.url!.replace(/^\/api\//, '');
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times--;
        res.setHeader('retry-after', String(limit.retryAfter));
        res.writeHead(429);
        return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      if (method === 'users.lookupByEmail') {
        const hit = Object.entries(users).find(([, u]) => emailOf(u).toLowerCase() === String(body.email).toLowerCase());
        if (!hit) return void res.end(JSON.stringify({ ok: false, error: 'users_not_found' }));
        const u = hit[1];
        return void res.end(JSON.stringify({ ok: true, user: typeof u === 'object' ? { id: hit[0], team_id: 'T0UNIV01', ...u } : { id: hit[0], team_id: 'T0UNIV01', locale: 'fr-FR', profile: { email: u } } }));
      }
      if (method === 'conversations.open') return void res.end(JSON.stringify({ ok: true, channel: { id: `D${String(body.users)}` } }));
      if (method === 'users.info') {
        const u = users[String(body.user)];
        const user = typeof u === 'object' ? { id: body.user, locale: 'fr-FR', ...u } : { id: body.user, team_id: 'T0UNIV01', locale: 'fr-FR', profile: { email: u } };
        return void res.end(JSON.stringify({ ok: true, user }));
      }
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', team_id: 'T1', ts: '1.0', channel: 'C1' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rateLimit = (method: string, times: number, retryAfter: number) => void limits.set(method, { times, retryAfter });
  return { url, calls, rateLimit, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

export function sign(body: string, ts = Math.floor(Date.now() / 1000), secret = SECRET) {
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}` };
}

