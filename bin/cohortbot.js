#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
const path = require('node:path');
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
