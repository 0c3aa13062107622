/** `cohortbot serve`: the HTTP endpoints (Teams, health, metrics) and the nightly scheduler. */
import { Command } from 'commander';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { CliError } from './common';

export function serveCommand(): Command {
  return new Command('serve')
    .description('HTTP: POST /api/messages (Teams), GET /healthz, GET /metrics; scheduler on')
    .option('--no-scheduler', 'serve chat only; another replica runs the schedule')
    .option('--json', 'print one JSON line when ready')
    .action(async (opts: { scheduler: boolean; json?: boolean }) => {
      const app = createApp(loadConfig());
      try {
        const { serve } = await import('../server');
        const running = await serve(app, { scheduler: opts.scheduler });
        if (opts.json) process.stdout.write(`${JSON.stringify({ ready: true, port: running.port, nextRun: running.scheduler.nextRun()?.toISOString() ?? null })}\n`);
        const stop = () => void running.stop().then(() => app.close()).then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (err) {
        await app.close();
        if ((err as Error).name === 'TeamsConfigError') throw new CliError((err as Error).message, 2);
        throw err;
      }
    });
}
