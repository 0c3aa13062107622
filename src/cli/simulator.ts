/** `cohortbot simulator`: the Moodle simulator alone, for curl, other processes and the demo. */
import path from 'node:path';
import { Command } from 'commander';
import { CliError, numberOption } from './common';

export const DEMO_SEED = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'moodle-seed.json');

export function simulatorCommand(): Command {
  return new Command('simulator')
    .description('run the Moodle simulator (REST protocol, several platforms under path prefixes)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--seed <file>', 'seed file (default: the demo seed)', DEMO_SEED)
    .option('--state <file>', 'persist the state to this file so separate processes share one Moodle')
    .option('--latency <ms>', 'added latency per call', '0')
    .option('--fault-rate <r>', 'probability of a 5xx, dropped connection or timeout per call', '0')
    .option('--cost <model>', 'what calls cost in time: none, or moodle (as measured on a real Moodle 4.5.6)', 'none')
    .option('--workers <n>', 'calls served at once under a cost model (PHP server workers)', '4')
    .option('--plugin <name>', 'cohort-sync plugin on every platform: local_cohortbot, local_ws_enrolcohort or none (default: as the seed says)')
    .option('--unknown-fields', 'add fields no client knows to every reply, as later Moodle versions do')
    .option('--json', 'accepted for symmetry; the ready line is always JSON')
    .action(async (opts: { port: string; host: string; seed: string; state?: string; latency: string; faultRate: string; plugin?: string; cost: string; workers: string; unknownFields?: boolean }) => {
      const port = numberOption('--port', opts.port, 0, 65535);
      const latencyMs = numberOption('--latency', opts.latency, 0, 600_000);
      const faultRate = numberOption('--fault-rate', opts.faultRate, 0, 1, false);
      const workers = numberOption('--workers', opts.workers, 1, 256);
      if (opts.cost !== 'none' && opts.cost !== 'moodle') throw new CliError(`--cost ${JSON.stringify(opts.cost)}: expected none or moodle`);
      let seed;
      try {
        seed = (await import('../simulator/seed')).readSeedFile(opts.seed);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      if (opts.plugin !== undefined) {
        if (!['local_cohortbot', 'local_ws_enrolcohort', 'none'].includes(opts.plugin)) throw new CliError(`--plugin ${JSON.stringify(opts.plugin)}: expected local_cohortbot, local_ws_enrolcohort or none`);
        for (const p of seed.platforms) p.settings.cohortSyncPlugin = opts.plugin as 'local_cohortbot' | 'local_ws_enrolcohort' | 'none';
      }
      const { MoodleSimulator } = await import('../simulator/server');
      const sim = new MoodleSimulator({ platforms: seed.platforms, port, host: opts.host, statePath: opts.state, knobs: { latencyMs, faultRate, cost: opts.cost, workers, unknownFields: opts.unknownFields === true } });
      const started = await sim.start();
      process.stdout.write(`${JSON.stringify({ ready: true, url: started.url, platforms: started.platforms })}\n`);
      const stop = () => void sim.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => undefined);
    });
}
