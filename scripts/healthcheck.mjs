#!/usr/bin/env node
// Container health check: exit 0 when the named services answer SERVING on
// grpc.health.v1.Health. Usage: node scripts/healthcheck.mjs [datasets|training|evaluation|generation ...]
import { SERVICES, waitForHealth } from './lib/services.mjs';

const host = process.env.GENLAB_HEALTH_HOST ?? '127.0.0.1';
const ports = { datasets: 50051, training: 50052, evaluation: 50053, generation: 50054 };
const names = process.argv.slice(2).length ? process.argv.slice(2) : SERVICES;
try {
  for (const name of names) {
    const port = process.env[`GENLAB_${name.toUpperCase()}_PORT`] ?? ports[name];
    if (!port) throw new Error(`unknown service '${name}'`);
    await waitForHealth(name, `${host}:${port}`, 3_000);
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
