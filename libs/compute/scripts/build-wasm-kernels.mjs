#!/usr/bin/env node
// Compiles libs/compute/src/kernels/wasm/genlab-kernels.wat into genlab-kernels.wasm.ts (the
// module's bytes, base64) with wabt. Run after editing the .wat; a spec checks that the
// committed bytes are this compilation of the committed source.
//
//   node libs/compute/scripts/build-wasm-kernels.mjs [--check]
//
// `--check` compiles and compares without writing (exit 1 if they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileGenlabKernels, GENERATED, renderGeneratedModule } from './wasm-kernels-source.mjs';

const check = process.argv.includes('--check');
const bytes = await compileGenlabKernels();
const rendered = renderGeneratedModule(bytes);
const target = resolve(GENERATED);
if (check) {
  const same = readFileSync(target, 'utf8') === rendered;
  console.log(same ? 'genlab-kernels.wasm.ts is up to date' : 'genlab-kernels.wasm.ts differs from the compiled .wat: run build-wasm-kernels.mjs');
  process.exit(same ? 0 : 1);
}
writeFileSync(target, rendered);
console.log(`wrote ${target} (${bytes.unshared.length} and ${bytes.shared.length} bytes of wasm)`);
