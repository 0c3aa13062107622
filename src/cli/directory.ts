/** `cohortbot directory`: read the directory once and say what it holds. */
import { Command } from 'commander';
import { loadConfig } from '../config';
import { createDirectorySource, summariseRead } from '../directory';
import { yearWindow } from '../domain/academic-year';
import { createLogger } from '../log';
import { academicRules, printJson, yearOption } from './common';

export function directoryCommand(): Command {
  return new Command('directory')
    .description('read the directory once; counts of students per étape for the current academic year')
    .option('--year <yyyy>', 'count inscriptions of this academic year (replays)')
    .option('--json', 'print one JSON document')
    .action(async (opts: { year?: string; json?: boolean }) => {
      const config = loadConfig(process.env, { moodle: false });
      const logger = createLogger(config.logLevel);
      const source = createDirectorySource(config, logger);
      const read = await source.read();
      const window = yearWindow(new Date(), academicRules(config, yearOption(opts.year)));
      const summary = summariseRead(read, window);
      if (opts.json) {
        printJson(summary);
      } else {
        const out = process.stdout;
        out.write(`source     ${summary.source}\n`);
        out.write(`complete   ${summary.complete ? 'yes' : `NO — ${summary.incompleteReason}`}\n`);
        out.write(`entries    ${summary.entries}\nstudents   ${summary.students}\nyears      ${window.add.join(', ')}${window.keepOnly.length ? ` (kept: ${window.keepOnly.join(', ')})` : ''}\n`);
        for (const w of summary.warnings ?? []) out.write(`warning    ${w}\n`);
        out.write('\nétape      students\n');
        for (const [code, n] of Object.entries(summary.etapes)) out.write(`${code.padEnd(10)} ${String(n).padStart(8)}\n`);
        if (Object.keys(summary.skipped).length > 0) {
          out.write('\nskipped    count\n');
          for (const [reason, n] of Object.entries(summary.skipped).sort()) out.write(`${reason.padEnd(22)} ${String(n).padStart(6)}\n`);
        }
        out.write(`\nread in ${summary.durationMs} ms\n`);
      }
      if (!summary.complete) process.exitCode = 1;
    });
}
