import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENLAB_SERVICES, protoRoot } from '@genlab/contracts';
import { ROLES } from '@genlab/db';
import { RPC_POLICIES, roleAllows } from './rpc-policy';

/** Every `Service/Method` the .proto files declare. */
function declaredRpcs(): string[] {
  return Object.values(GENLAB_SERVICES).flatMap(({ service, file }) => {
    const text = readFileSync(join(protoRoot(), file), 'utf8');
    return [...text.matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)].map((m) => `${service}/${m[1]}`);
  });
}

describe('RPC access policies', () => {
  it('classify every RPC of the .proto files, and nothing else', () => {
    expect(Object.keys(RPC_POLICIES).sort()).toEqual(declaredRpcs().sort());
  });

  it('let viewers read, editors create and change, admins do everything', () => {
    const allowed = (access: 'read' | 'create' | 'admin') => ROLES.filter((role) => roleAllows(role, { access } as never));
    expect(allowed('read')).toEqual(['viewer', 'editor', 'admin']);
    expect(allowed('create')).toEqual(['editor', 'admin']);
    expect(allowed('admin')).toEqual(['admin']);
  });
});
