import { parseArgs } from 'node:util';
import { loadConfig } from '@genlab/config';
import { openDatabase, ROLES, type Database, type Role } from '@genlab/db';

const USAGE = `genlab admin: server-side administration (talks to the database directly)

  npm run admin -- tokens create --role <viewer|editor|admin> --name <who>
      Create an API token and print it once (it is stored only as a hash).
  npm run admin -- tokens list
  npm run admin -- tokens revoke <token id>

Uses the same configuration as the services (DATABASE_URL or GENLAB_DATA_DIR).`;

export interface AdminIo {
  out(text: string): void;
  err(text: string): void;
}

/** Runs one admin command; returns the process exit code. */
export async function runAdmin(argv: readonly string[], io: AdminIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const [group, command, id] = positionals;
  if (values.help || group !== 'tokens' || !command) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(env);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await tokens(db, command, id, values, io);
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.close();
  }
}

async function tokens(db: Database, command: string, id: string | undefined, values: { role?: string; name?: string }, io: AdminIo): Promise<number> {
  switch (command) {
    case 'create': {
      if (!values.role || !(ROLES as readonly string[]).includes(values.role) || !values.name) {
        io.err(`tokens create needs --role (${ROLES.join(', ')}) and --name`);
        return 2;
      }
      const { token, record } = await db.access.createToken({ name: values.name, role: values.role as Role });
      io.out(`created ${record.role} token ${record.id} for '${record.name}'. It is shown only now; store it safely:\n\n  ${token}\n`);
      return 0;
    }
    case 'list':
      for (const t of await db.access.listTokens()) {
        io.out(`${t.id}  ${t.role.padEnd(6)}  ${t.name}  created ${t.createdAt.toISOString()}${t.revokedAt ? `  REVOKED ${t.revokedAt.toISOString()}` : ''}`);
      }
      return 0;
    case 'revoke': {
      if (!id) {
        io.err('tokens revoke needs the token id (see tokens list)');
        return 2;
      }
      const revoked = await db.access.revokeToken(id);
      io.out(`revoked token ${revoked.id} ('${revoked.name}'); services refuse it within 5 s`);
      return 0;
    }
    default:
      io.out(USAGE);
      return 2;
  }
}
