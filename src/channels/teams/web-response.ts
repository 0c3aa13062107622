/**
 * The response contract of the Agents SDK (`status(code)` returning the response, `setHeader`, `send`,
 * `end`, `headersSent`, `writableEnded`) over Node's own ServerResponse. Restify 11 decorates the
 * response with a `status()` that returns a number, so the SDK's `res.status(401).send(…)` would throw
 * on the rejection path; this writes through the plain Node methods instead, with Express's meaning
 * of send() (the body, then the end).
 */
import type { ServerResponse } from 'node:http';

export interface WebResponse {
  status(code: number): WebResponse;
  setHeader(name: string, value: string): WebResponse;
  send(body?: unknown): WebResponse;
  end(): WebResponse;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
}

export function webResponse(res: ServerResponse): WebResponse {
  const out: WebResponse = {
    status(code) {
      if (!res.headersSent) res.statusCode = code;
      return out;
    },
    setHeader(name, value) {
      if (!res.headersSent) res.setHeader(name, value);
      return out;
    },
    send(body) {
      if (res.writableEnded || body === undefined) return out;
      // An error's body says no more than its status: the SDK would send its internal reason (a JWT
      // library's message, a validation dump) to whoever knocked.
      if (res.statusCode >= 400) body = { error: res.statusCode === 401 ? 'unauthorized' : res.statusCode < 500 ? 'bad request' : 'internal error' };
      const json = typeof body !== 'string' && !Buffer.isBuffer(body);
      if (json && !res.headersSent && !res.getHeader('content-type')) res.setHeader('content-type', 'application/json');
      // Express semantics, which the SDK assumes: send() finishes the response (authorizeJWT never calls end()).
      res.end(json ? JSON.stringify(body) : body);
      return out;
    },
    end() {
      if (!res.writableEnded) res.end();
      return out;
    },
    get headersSent() {
      return res.headersSent;
    },
    get writableEnded() {
      return res.writableEnded;
    },
  };
  return out;
}
