import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The README's quick start, as a newcomer runs it: `npm start` builds (cached here), migrates,
// starts the four services and the dashboard, and seeds the demo; Ctrl-C stops everything.

const ROOT = resolve(__dirname, '../..');

type Services = typeof import('../../scripts/lib/services.mjs', { with: { 'resolution-mode': 'import' } });

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'genlab-quick-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings everything up, trains, evaluates and samples the demo, and stops cleanly on Ctrl-C', async () => {
    const { freePort } = (await import('../../scripts/lib/services.mjs')) as Services;
    const ports = { GENLAB_DATASETS_PORT: 0, GENLAB_TRAINING_PORT: 0, GENLAB_EVALUATION_PORT: 0, GENLAB_GENERATION_PORT: 0, GENLAB_DASHBOARD_PORT: 0 };
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), GENLAB_DATA_DIR: dataDir, GENLAB_LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const seeded = await new Promise<boolean>((done) => {
        const timer = setTimeout(() => done(false), 300_000);
        const check = setInterval(() => {
          if (/demo run \S+ trained, evaluated and sampled/.test(output)) {
            clearInterval(check);
            clearTimeout(timer);
            done(true);
          }
        }, 500);
        void exited.then(() => {
          clearInterval(check);
          clearTimeout(timer);
          done(false);
        });
      });
      expect(seeded, output.slice(-3000)).toBe(true);
      expect(output).toContain('access control is OFF');
      const dashboard = await fetch(`http://127.0.0.1:${ports.GENLAB_DASHBOARD_PORT}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('demo');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 360_000);
});
