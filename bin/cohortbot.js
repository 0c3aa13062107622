#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
const path = require('node:path');

// restify 11 on Node 20 touches process.binding('http_parser') (DEP0111): harmless, and noise on stderr.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...args) {
  const code = typeof args[0] === 'object' && args[0] ? args[0].code : args[1];
  if (code === 'DEP0111') return;
  return emitWarning.call(process, warning, ...args);
};
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('cohortbot: dist/src/main.js is missing; run `npm run build` (npm install does it for you).\n');
  process.exit(2);
}
require(entry).main(process.argv).catch((err) => {
  process.stderr.write(`cohortbot: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
