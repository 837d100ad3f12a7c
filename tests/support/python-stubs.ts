import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { protoPath as healthProtoPath } from 'grpc-health-check';

const PROTO_ROOT = resolve(__dirname, '../../libs/contracts/proto');
const SERVICES = ['datasets', 'training', 'evaluation', 'generation'];

/**
 * Generate Python stubs for genlab's services and for the standard health and reflection
 * services, with Debian's protoc and grpc_python_plugin, exactly as the README tells users.
 * The standard protos are placed as grpc_health/ and grpc_reflection/ so the modules match
 * the official grpcio-health-checking and grpcio-reflection layouts.
 */
export function generatePythonStubs(): string {
  const out = mkdtempSync(join(tmpdir(), 'genlab-py-'));
  const deps = join(out, 'protos');
  const place = (from: string, to: string) => {
    mkdirSync(dirname(join(deps, to)), { recursive: true });
    copyFileSync(from, join(deps, to));
  };
  place(healthProtoPath, 'grpc_health/v1/health.proto');
  place(join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto'), 'grpc_reflection/v1/reflection.proto');
  const plugin = execFileSync('which', ['grpc_python_plugin'], { encoding: 'utf8' }).trim();
  execFileSync('protoc', [
    `-I${PROTO_ROOT}`,
    `-I${deps}`,
    `--python_out=${out}`,
    `--grpc_out=${out}`,
    `--plugin=protoc-gen-grpc=${plugin}`,
    ...SERVICES.map((s) => `genlab/${s}/v1/${s}.proto`),
    'grpc_health/v1/health.proto',
    'grpc_reflection/v1/reflection.proto',
  ]);
  return out;
}
