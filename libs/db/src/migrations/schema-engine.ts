import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } }) & {
  __wbg_set_wasm(exports: object): void;
};

// The global exists in Node; the project's `lib` setting (no DOM) just doesn't declare it.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let glue: Promise<Glue> | undefined;

/**
 * Loads the schema engine's wasm-bindgen glue and instantiates its WebAssembly module, once
 * per process. The package's own entry point `import`s the .wasm file, which Node 20 cannot
 * do, so the module is compiled here from the file next to the glue.
 */
function loadGlue(): Promise<Glue> {
  glue ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Glue;
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': module });
    module.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    return module;
  })().catch((error: unknown) => {
    glue = undefined; // let a later call try again
    throw error;
  });
  return glue;
}

/** A schema engine connected through `adapterFactory`; `schema` is needed for diffs only. */
export async function createSchemaEngine(
  adapterFactory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  schema?: string,
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadGlue();
  const options = { datamodels: schema === undefined ? undefined : ([['schema.prisma', schema]] as [string, string][]) };
  return SchemaEngine.new(options, () => undefined, adapterFactory);
}

/**
 * Engine errors name driver failures `External error id#N`; the driver's own error is kept
 * in the adapter factory's registry. Returns an Error carrying both messages.
 */
export function decodeEngineError(error: unknown, adapterFactory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory): Error {
  const message = error instanceof Error ? error.message : String(error);
  const decoded = message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const cause = adapterFactory.errorRegistry.consumeError(Number(id))?.error;
    return cause instanceof Error ? cause.message : cause === undefined ? text : JSON.stringify(cause);
  });
  // Drop the engine's span trace (it names Rust source files) but keep the migration's name.
  const summary = decoded.split('\n   0: ')[0]?.trim() ?? decoded;
  const migration = /migration_name="([^"]+)"/.exec(decoded)?.[1];
  return new Error(migration ? `migration ${migration} failed: ${summary}` : summary, { cause: error });
}
