/** `cohortbot why <student> <course>`: the diagnosis checklist from the command line. */
import { Command } from 'commander';

export function whyCommand(): Command {
  return new Command('why')
    .argument('<student>', 'username, student number or e-mail')
    .argument('<course>', 'course id, short name, ID number, URL, or platform:shortname')
    .description("why isn't this student enrolled in this course? Moodle's answer first, then the sync's, then the fixes with their effect")
    .option('--json', 'print one JSON document')
    .option('--lang <fr|en>', 'the language of the checklist', 'fr')
    .option('--on <date>', 'answer for that day (YYYY-MM-DD): enrolment dates and the academic-year window as they will be')
    .option('--as <email>', 'ask as this support person (their Moodle rights); without it, as the service account whose token this server holds')
    .action(async (student: string, courseArg: string, opts: { json?: boolean; as?: string; lang?: string; on?: string }) => {
      const { runWhy } = await import('./why-run');
      await runWhy(student, courseArg, opts);
    });
}
