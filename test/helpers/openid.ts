/**
 * A local token issuer for the Teams endpoint's authentication: an OpenID document and its key set
 * served on 127.0.0.1, and RS256 tokens signed with its key (or forged with another). Both SDKs are
 * pointed at it through the Agents SDK's AuthorityEndpoint/Issuers settings; nothing leaves the host.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface LocalIssuer {
  /** `http://127.0.0.1:<port>/<tenant>`: the AuthorityEndpoint. */
  authority: string;
  /** The issuer of its tokens for a tenant. */
  issuer(tenant?: string): string;
  sign(claims: Record<string, unknown>, opts?: { key?: crypto.KeyObject; alg?: 'RS256' | 'none' }): string;
  /** A key the issuer does not publish, for forged tokens. */
  otherKey: crypto.KeyObject;
  stop(): Promise<void>;
}

export async function startLocalIssuer(tenant: string): Promise<LocalIssuer> {
  // Keys are random, like every real key; no outcome depends on their value.
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = 'local-key-1';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
  let base = '';
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    res.setHeader('content-type', 'application/json');
    if (path.endsWith('/discovery/v2.0/keys')) return void res.end(JSON.stringify({ keys: [jwk] }));
    const doc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (doc) return void res.end(JSON.stringify({ issuer: `${base}/${doc[1]}/v2.0`, jwks_uri: `${base}/${doc[1]}/discovery/v2.0/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authority: `${base}/${tenant}`,
    issuer: (t = tenant) => `${base}/${t}/v2.0`,
    otherKey,
    sign(claims, opts = {}) {
      const alg = opts.alg ?? 'RS256';
      const head = b64url(JSON.stringify({ alg, typ: 'JWT', ...(alg === 'none' ? {} : { kid }) }));
      const body = b64url(JSON.stringify(claims));
      if (alg === 'none') return `${head}.${body}.`;
      return `${head}.${body}.${b64url(crypto.sign('RSA-SHA256', Buffer.from(`${head}.${body}`), opts.key ?? privateKey))}`;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
