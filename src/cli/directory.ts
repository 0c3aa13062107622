/** `cohortbot directory`: read the directory once and say what it holds. */
import { Command } from 'commander';
import { loadConfig } from '../config';
import { createDirectorySource, summariseRead } from '../directory';
import { yearWindow } from '../domain/academic-year';
import { createLogger } from '../log';
import { academicRules, printJson, yearOption } from './common';
import { cliEn } from '../i18n/en/cli';
import { cliFr } from '../i18n/fr/cli';
import { localeOf } from '../i18n/locale';

export function directoryCommand(): Command {
  return new Command('directory')
    .description('read the directory once; counts of students per étape for the current academic year')
    .option('--year <yyyy>', 'count inscriptions of this academic year (replays)')
    .option('--json', 'print one JSON document')
    .option('--lang <fr|en>', 'language of the text output', 'fr')
    .action(async (opts: { year?: string; json?: boolean; lang?: string }) => {
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
        const w = (localeOf(opts.lang) === 'en' ? cliEn : cliFr).directoryRead;
        const l = (k: keyof typeof w.labels) => w.labels[k].padEnd(10);
        out.write(`${l('source')} ${summary.source}\n`);
        out.write(`${l('complete')} ${summary.complete ? w.yes : w.no(summary.incompleteReason ?? '')}\n`);
        out.write(`${l('entries')} ${summary.entries}\n${l('students')} ${summary.students}\n${l('years')} ${window.add.join(', ')}${window.keepOnly.length ? ` ${w.kept(window.keepOnly.join(', '))}` : ''}\n`);
        for (const x of summary.warnings ?? []) out.write(`${l('warning')} ${x}\n`);
        out.write(`\n${l('etape')} ${w.labels.students}\n`);
        for (const [code, n] of Object.entries(summary.etapes)) out.write(`${code.padEnd(10)} ${String(n).padStart(8)}\n`);
        if (Object.keys(summary.skipped).length > 0) {
          out.write(`\n${l('skipped')} ${w.labels.count}\n`);
          for (const [reason, n] of Object.entries(summary.skipped).sort()) out.write(`${reason.padEnd(22)} ${String(n).padStart(6)}\n`);
        }
        out.write(`\n${w.readIn(summary.durationMs)}\n`);
      }
      if (!summary.complete) process.exitCode = 1;
    });
}
