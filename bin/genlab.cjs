#!/usr/bin/env node
// The `genlab` command: runs the compiled CLI (`npx nx run cli:build` first) with the
// @genlab/* aliases mapped onto its build output.
const { join } = require('node:path');
const entry = join(__dirname, '../dist/apps/cli/apps/cli/src/main.js');
process.argv[1] = entry; // register-paths.cjs finds the compiled libs from the entry script
require('../scripts/register-paths.cjs');
require(entry);
