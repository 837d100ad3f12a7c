import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, no type declarations
import { compileGenlabKernels, GENERATED, renderGeneratedModule } from '../../../scripts/wasm-kernels-source.mjs';

describe('genlab-kernels.wasm.ts', () => {
  it('holds the compilation of the committed genlab-kernels.wat (run build-wasm-kernels.mjs after editing it)', async () => {
    const bytes = (await compileGenlabKernels()) as { unshared: Buffer; shared: Buffer };
    const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(bytes.unshared)).toBe(true);
    expect(wasm.validate(bytes.shared)).toBe(true);
    expect(readFileSync(GENERATED as string, 'utf8')).toBe(renderGeneratedModule(bytes));
  });
});
