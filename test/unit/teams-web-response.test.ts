/**
 * The Agents SDK's response contract over restify: the SDK's own JWT middleware answers a refused
 * request with `res.status(401).send(…)`. Restify 11's `res.status()` returns a number, so that call
 * throws on restify's response; through `webResponse` it is a 401 with the SDK's JSON reason.
 */
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { authorizeJWT } from '@microsoft/agents-hosting';
import { agentsAuthConfig } from '../../src/channels/teams/host-agents';
import { webResponse } from '../../src/channels/teams/web-response';

const config = agentsAuthConfig({ appId: '11111111-2222-3333-4444-555555555555', appType: 'SingleTenant', tenantId: 't' });

async function withServer(wrap: boolean, fn: (url: string) => Promise<void>) {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  const seen: { error?: string; next: boolean } = { next: false };
  server.post('/m', async (req, res) => {
    try {
      await authorizeJWT(config)(req as never, (wrap ? webResponse(res) : res) as never, () => (seen.next = true));
    } catch (err) {
      seen.error = (err as Error).message;
      if (!res.headersSent) res.send(500, { error: 'adapter broke' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/m`);
  } finally {
    server.server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return seen;
}

describe('webResponse (the Agents SDK over restify)', () => {
  it("restify's own response breaks on the SDK's rejection path", async () => {
    let status = 0;
    const seen = await withServer(false, async (url) => {
      status = (await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer x.y.z' } })).status;
    });
    expect(seen.error).toMatch(/send is not a function|not a function/);
    expect(status).toBe(500);
    expect(seen.next).toBe(false);
  });

  it('through the adapter, a refused token is a 401 whose JSON body says no more than its status, and the turn never runs', async () => {
    let res: Response | undefined;
    let body = '';
    const seen = await withServer(true, async (url) => {
      res = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      body = await res.text();
    });
    expect(seen).toEqual({ next: false });
    expect(res!.status).toBe(401);
    expect(res!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(body)).toEqual({ error: 'unauthorized' });
  });
});
