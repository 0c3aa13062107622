/**
 * One Moodle platform over REST: form encoding, error mapping, reply validation, retries with
 * backoff, keep-alive, a concurrency cap and max_input_vars batching. Facts: docs/moodle.md §0–§1.
 */
import http from 'node:http';
import https from 'node:https';
import { AsyncLocalStorage } from 'node:async_hooks';
import axios, { AxiosInstance } from 'axios';
import { z } from 'zod';
import { Logger, silentLogger } from '../log';
import { backoffDelay, sleep } from '../util/limiter';
import { CallScheduler, syncSlots } from './scheduler';
import { countVars, encodeBody, WsParams, WsValue } from './encode';
import { MoodleError } from './errors';
import type { RequestRecorder } from './recorder';

export interface MoodleClientOptions {
  platform: string;
  url: string;
  token: string;
  /** The timeout of a call carrying nothing; a call's timeout grows with its size (timeoutPerVarMs). */
  timeoutMs?: number;
  /** More time allowed per input variable a call carries: a 1,250-member add is not a site-info call. */
  timeoutPerVarMs?: number;
  retries?: number;
  retryBaseMs?: number;
  concurrency?: number;
  maxInputVars?: number;
  logger?: Logger;
  /** Records every request sent (COHORTBOT_RECORD_REQUESTS), for the benchmark's replay. */
  recorder?: RequestRecorder;
}

/** wstoken, wsfunction, moodlewsrestformat. */
const CONTROL_VARS = 3;

const WRITE_PATTERN = /_(create|update|delete|add|remove|assign|unassign|enrol|unenrol)_|^enrol_manual_(un)?enrol_users$/;
export const isWriteFunction = (fn: string): boolean => WRITE_PATTERN.test(fn);

/**
 * One unit of work (a run) on the shared clients, through async context: its calls counted per
 * platform, and the fence its writes pass first (the run's lease). Concurrent work on the same
 * clients (a chat command in the same `serve`) is neither counted in nor fenced.
 */
export interface CallScope {
  calls: Map<string, { reads: number; writes: number }>;
  /** Called before every write request of this work and each of its retries; throws to stop the write. */
  fence?: () => Promise<void>;
}
export const callScope = new AsyncLocalStorage<CallScope>();

export interface CallStats {
  reads: number;
  writes: number;
  retries: number;
  errors: number;
  byFunction: Record<string, number>;
}

/** Moodle's error reply: an object with an `exception` key, whatever the HTTP status. */
const exceptionReply = z.object({
  exception: z.string(),
  errorcode: z.string().optional(),
  message: z.string().optional(),
  debuginfo: z.string().optional(),
});

export class MoodleClient {
  readonly platform: string;
  readonly url: string;
  readonly maxInputVars: number;
  /** The platform's slots: chat commands first come first served, the sync its share (scheduler.ts). */
  readonly limiter: CallScheduler;
  readonly stats: CallStats = { reads: 0, writes: 0, retries: 0, errors: 0, byFunction: {} };
  private readonly token: string;
  private readonly http: AxiosInstance;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  private readonly timeoutPerVarMs: number;
  /** Per function, the usual milliseconds per (variables + 10): a reply far slower than that means the site is queueing. */
  private readonly pace = new Map<string, number>();
  private readonly log: Logger;
  private readonly recorder?: RequestRecorder;
  /** Observers for metrics: called once per finished call. */
  onCall?: (fn: string, outcome: 'ok' | 'error', ms: number, errorcode?: string) => void;

  constructor(opts: MoodleClientOptions) {
    this.platform = opts.platform;
    this.url = opts.url.replace(/\/+$/, '');
    this.token = opts.token;
    this.retries = opts.retries ?? 3;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.timeoutPerVarMs = opts.timeoutPerVarMs ?? 20;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.maxInputVars = opts.maxInputVars ?? 1000;
    this.limiter = new CallScheduler(opts.concurrency ?? 6);
    this.log = (opts.logger ?? silentLogger).child({ platform: opts.platform });
    this.recorder = opts.recorder;
    const agentOpts = { keepAlive: true, maxSockets: opts.concurrency ?? 4 };
    this.http = axios.create({
      baseURL: this.url,
      timeout: this.timeoutMs,
      httpAgent: new http.Agent(agentOpts),
      httpsAgent: new https.Agent(agentOpts),
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    });
  }

  /**
   * Calls one function and checks the reply against `schema`; the parsed reply is returned. Parameters
   * given as a function are built when the call gets its turn under the concurrency cap, so a run's
   * queued batches do not all sit in memory as bodies at once.
   */
  async call<S extends z.ZodTypeAny>(fn: string, params: WsParams | (() => WsParams), schema: S): Promise<z.output<S>> {
    const early = typeof params === 'function' ? undefined : params;
    const earlyVars = early ? this.checkVars(fn, early) : 0;
    return this.limiter.run(() => {
      const p = early ?? (params as () => WsParams)();
      const vars = early ? earlyVars : this.checkVars(fn, p);
      return this.send(fn, encodeBody([['wstoken', this.token], ['wsfunction', fn], ['moodlewsrestformat', 'json']], p), schema, vars);
    });
  }

  /** The input variables of a call, refused past max_input_vars. */
  private checkVars(fn: string, params: WsParams): number {
    const vars = CONTROL_VARS + countVars(params);
    if (vars > this.maxInputVars) {
      throw new MoodleError({
        kind: 'truncated',
        code: 'inputVarsExceeded',
        params: { vars, max: this.maxInputVars },
        platform: this.platform,
        function: fn,
        message: `call needs ${vars} input variables but the site accepts ${this.maxInputVars} (max_input_vars); split it into batches`,
      });
    }
    return vars;
  }

  /**
   * Calls `fn` once per batch of `items` so that no call exceeds max_input_vars. `build` turns a batch
   * into the call's parameters; replies come back in batch order.
   */
  async callBatched<T, S extends z.ZodTypeAny>(fn: string, items: readonly T[], build: (batch: T[]) => WsParams, schema: S): Promise<Array<z.output<S>>> {
    const batches = this.batches(items, build);
    return Promise.all(batches.map((batch) => this.call(fn, () => build(batch), schema)));
  }

  /**
   * Splits items into the fewest consecutive batches whose call stays under max_input_vars — or, with
   * `spread`, into as many as the concurrency cap when there is enough work (each call at least
   * `spread` items): a site serves calls side by side, and one huge call keeps all but one worker idle.
   */
  batches<T>(items: readonly T[], build: (batch: T[]) => WsParams, spread?: number): T[][] {
    const fewest = this.fewestBatches(items, build);
    const parts = spread ? Math.min(syncSlots(this.limiter.max), Math.floor(items.length / spread)) : 0;
    if (parts <= fewest.length) return fewest;
    // The same items in `parts` near-equal runs, each checked (items may differ in size).
    const out: T[][] = [];
    for (let k = 0; k < parts; k++) out.push(items.slice(Math.floor((k * items.length) / parts), Math.floor(((k + 1) * items.length) / parts)));
    const budget = this.maxInputVars - CONTROL_VARS;
    return out.every((b) => countVars(build(b) as WsValue) <= budget) ? out : fewest;
  }

  private fewestBatches<T>(items: readonly T[], build: (batch: T[]) => WsParams): T[][] {
    if (items.length === 0) return [];
    const fixed = countVars(build([]) as WsValue);
    const budget = this.maxInputVars - CONTROL_VARS - fixed;
    // Items that fit in one call (a batch already cut by a caller, most calls): one count, not one per item.
    const first = countVars(build([items[0]!]) as WsValue) - fixed;
    if (first * items.length <= budget && countVars(build([...items]) as WsValue) - fixed <= budget) return [[...items]];
    // Items that all cost the same (member pairs, keys: the large lists): runs of as many as fit,
    // each run counted once rather than each item — kept only when every run costs exactly its share.
    const size = first > 0 ? Math.floor(budget / first) : 0;
    if (size > 1) {
      const runs: T[][] = [];
      for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
      if (runs.every((run) => countVars(build(run) as WsValue) - fixed === first * run.length)) return runs;
    }
    const out: T[][] = [];
    let current: T[] = [];
    let used = 0;
    for (const item of items) {
      const cost = countVars(build([item]) as WsValue) - fixed;
      if (cost > budget) throw new Error(`${this.platform}: one item needs ${cost} input variables, more than max_input_vars allows`);
      if (used + cost > budget) {
        out.push(current);
        current = [];
        used = 0;
      }
      current.push(item);
      used += cost;
    }
    out.push(current);
    return out;
  }

  private async send<S extends z.ZodTypeAny>(fn: string, body: string, schema: S, vars: number): Promise<z.output<S>> {
    const started = Date.now();
    const write = isWriteFunction(fn);
    // The work that made this call (a run) fences it and counts it, whatever else shares the client.
    const work = callScope.getStore();
    if (write && work?.fence) await work.fence();
    this.stats.byFunction[fn] = (this.stats.byFunction[fn] ?? 0) + 1;
    if (write) this.stats.writes++;
    else this.stats.reads++;
    const scope = work?.calls.get(this.platform);
    if (scope) scope[write ? 'writes' : 'reads']++;
    try {
      const result = await this.sendWithRetry(fn, body, schema, vars);
      this.onCall?.(fn, 'ok', Date.now() - started);
      return result;
    } catch (err) {
      this.stats.errors++;
      this.onCall?.(fn, 'error', Date.now() - started, err instanceof MoodleError ? (err.errorcode ?? err.kind) : 'unknown');
      throw err;
    }
  }

  /**
   * Sends, with a timeout sized to the call; retries network errors and 5xx with backoff. A site that
   * times out or slows down gets fewer calls at once (the limiter halves, then climbs back one at a
   * time), and a call that timed out is sent again only after a pause and with twice the time: the
   * site may still be doing it, and re-sending at once would only pile work onto it.
   */
  private async sendWithRetry<S extends z.ZodTypeAny>(fn: string, body: string, schema: S, vars: number): Promise<z.output<S>> {
    let timeout = this.timeoutMs + vars * this.timeoutPerVarMs;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let text: string;
      const fence = attempt > 0 && isWriteFunction(fn) ? callScope.getStore()?.fence : undefined;
      if (fence) await fence();
      const sentAt = this.recorder?.now();
      const began = Date.now();
      try {
        const res = await this.http.post<string>('/webservice/rest/server.php', body, { timeout });
        status = res.status;
        text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
        if (sentAt !== undefined) this.recorder!.record(this.platform, fn, sentAt, body);
      } catch (err) {
        const reason = describeTransportError(err);
        this.limiter.slowDown();
        if (reason === 'timeout') timeout *= 2;
        if (attempt < this.retries) {
          await this.retryPause(fn, attempt, reason);
          continue;
        }
        throw new MoodleError({ kind: 'transport', code: 'unreachable', params: { cause: reason, attempts: attempt + 1 }, platform: this.platform, function: fn, message: `${reason} after ${attempt + 1} attempt(s)` });
      }
      this.keepPace(fn, vars, Date.now() - began, status < 500);
      if (status >= 500) {
        this.limiter.slowDown();
        if (attempt < this.retries) {
          await this.retryPause(fn, attempt, `HTTP ${status}`);
          continue;
        }
        throw new MoodleError({ kind: 'transport', code: 'serverError', params: { status, attempts: attempt + 1 }, platform: this.platform, function: fn, status, message: `HTTP ${status} after ${attempt + 1} attempt(s)` });
      }
      return this.interpret(fn, status, text, schema);
    }
  }

  /**
   * Backs off when replies slow down: a call far slower than this function's usual pace (and slow in
   * itself) means the site queues calls, so fewer go at once; a call at pace lets one more go again.
   */
  private keepPace(fn: string, vars: number, ms: number, ok: boolean): void {
    const size = vars + 10;
    const usual = this.pace.get(fn);
    if (ok && usual !== undefined && ms > 1000 && ms > 3 * usual * size) this.limiter.slowDown();
    else if (ok) this.limiter.wentWell();
    const rate = ms / size;
    this.pace.set(fn, usual === undefined ? rate : 0.8 * usual + 0.2 * rate);
  }

  private async retryPause(fn: string, attempt: number, reason: string): Promise<void> {
    this.stats.retries++;
    const delay = backoffDelay(attempt, this.retryBaseMs);
    this.log.warn({ fn, attempt: attempt + 1, reason, delayMs: delay }, 'moodle call failed, retrying');
    await sleep(delay);
  }

  private interpret<S extends z.ZodTypeAny>(fn: string, status: number, text: string, schema: S): z.output<S> {
    const trimmed = text.trim();
    if (trimmed === '') {
      throw new MoodleError({
        kind: 'rest-disabled',
        code: 'restDisabled',
        params: { status },
        platform: this.platform,
        function: fn,
        status,
        message: `empty reply (HTTP ${status}): REST protocol or web services disabled on this site (Site administration › Server › Web services)`,
      });
    }
    if (trimmed.startsWith('<')) {
      throw new MoodleError({
        kind: 'truncated',
        code: 'xmlReply',
        platform: this.platform,
        function: fn,
        status,
        message: 'XML reply instead of JSON: the request was probably cut by the site\'s max_input_vars; lower MOODLE_MAX_INPUT_VARS for this platform',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new MoodleError({ kind: 'bad-reply', code: 'notJson', params: { status, bytes: trimmed.length }, platform: this.platform, function: fn, status, message: `reply is not JSON (HTTP ${status}, ${trimmed.length} bytes)` });
    }
    const ex = exceptionReply.safeParse(json);
    if (ex.success) {
      throw new MoodleError({
        kind: 'exception',
        platform: this.platform,
        function: fn,
        status,
        errorcode: ex.data.errorcode,
        exception: ex.data.exception,
        debuginfo: ex.data.debuginfo,
        message: `${ex.data.errorcode ?? ex.data.exception}: ${ex.data.message ?? ''}${ex.data.debuginfo ? ` (${ex.data.debuginfo})` : ''}`.trim(),
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MoodleError({
        kind: 'bad-reply',
        code: 'badShape',
        params: { path: issue?.path.join('.') || '(root)' },
        platform: this.platform,
        function: fn,
        status,
        message: `unexpected reply shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      });
    }
    return parsed.data;
  }
}

function describeTransportError(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || /timeout/i.test(err.message)) return 'timeout';
    return err.code ? `network error ${err.code}` : 'network error';
  }
  return 'network error';
}
