/** Prometheus metrics (prom-client) served on GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MoodleApi } from '../moodle/api';
import type { RunRecord } from '../store/types';

export class Metrics {
  readonly registry = new Registry();
  readonly runs = new Counter({ name: 'cohortbot_sync_runs_total', help: 'Sync runs by status and trigger', labelNames: ['status', 'trigger'], registers: [this.registry] });
  readonly runSeconds = new Histogram({ name: 'cohortbot_sync_run_seconds', help: 'Duration of sync runs', buckets: [1, 5, 15, 60, 300, 900, 3600], registers: [this.registry] });
  readonly changes = new Counter({ name: 'cohortbot_sync_changes_total', help: 'Changes applied by kind and platform', labelNames: ['kind', 'platform'], registers: [this.registry] });
  readonly held = new Gauge({ name: 'cohortbot_removals_held', help: 'Removals held for approval in the last run', labelNames: ['platform'], registers: [this.registry] });
  readonly lastRun = new Gauge({ name: 'cohortbot_last_run_timestamp_seconds', help: 'End of the last sync run', labelNames: ['status'], registers: [this.registry] });
  readonly moodleCalls = new Counter({ name: 'cohortbot_moodle_calls_total', help: 'Moodle web-service calls by platform, function and outcome', labelNames: ['platform', 'function', 'outcome'], registers: [this.registry] });
  readonly moodleErrors = new Counter({ name: 'cohortbot_moodle_errors_total', help: 'Moodle errors by platform, function and error code', labelNames: ['platform', 'function', 'errorcode'], registers: [this.registry] });
  readonly moodleSeconds = new Histogram({ name: 'cohortbot_moodle_call_seconds', help: 'Moodle call latency', labelNames: ['platform'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [this.registry] });
  readonly chatCommands = new Counter({ name: 'cohortbot_chat_commands_total', help: 'Chat commands by channel, command and outcome', labelNames: ['channel', 'command', 'outcome'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cohortbot_' });
  }

  /** Counts every call a platform client makes. */
  observe(apis: Map<string, MoodleApi>): void {
    for (const [platform, api] of apis) {
      api.client.onCall = (fn, outcome, ms, errorcode) => {
        this.moodleCalls.inc({ platform, function: fn, outcome });
        this.moodleSeconds.observe({ platform }, ms / 1000);
        if (outcome === 'error') this.moodleErrors.inc({ platform, function: fn, errorcode: errorcode ?? 'unknown' });
      };
    }
  }

  recordRun(run: RunRecord): void {
    this.runs.inc({ status: run.status, trigger: run.trigger.split(':')[0]! });
    if (run.durationMs !== undefined) this.runSeconds.observe(run.durationMs / 1000);
    this.lastRun.set({ status: run.status }, Date.parse(run.finishedAt ?? run.startedAt) / 1000);
    for (const p of run.platforms) {
      this.changes.inc({ kind: 'cohort_created', platform: p.name }, p.cohortsCreated);
      this.changes.inc({ kind: 'member_added', platform: p.name }, p.membersAdded);
      this.changes.inc({ kind: 'member_removed', platform: p.name }, p.membersRemoved);
      this.held.set({ platform: p.name }, p.removalsHeld);
    }
  }
}
