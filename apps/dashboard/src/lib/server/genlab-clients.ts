import 'server-only';
import { createGenlabClients, type GenlabClients } from '@genlab/client';
import { loadConfig, type ServiceAddresses } from '@genlab/config';
import { requestToken } from './session';

export type ServiceName = keyof ServiceAddresses;

interface Connection {
  addresses: ServiceAddresses;
  clients: GenlabClients;
}

// Kept on globalThis so that `next dev` reloading this module does not leak channels.
const holder = globalThis as typeof globalThis & { __genlabDashboard?: Connection };

function connection(): Connection {
  if (!holder.__genlabDashboard) {
    const { addresses } = loadConfig();
    // Every call carries the signed-in user's token (or the dashboard's own GENLAB_TOKEN), so
    // the services enforce that user's role on every page and action.
    holder.__genlabDashboard = { addresses, clients: createGenlabClients(addresses, { tokenProvider: requestToken }) };
  }
  return holder.__genlabDashboard;
}

/** The typed gRPC clients, created once per server process. */
export function genlab(): GenlabClients {
  return connection().clients;
}

/**
 * Drop the channels after a service could not be reached, so that the next request
 * connects afresh. A grpc-js channel that keeps failing backs off for up to two minutes
 * between attempts, which would keep the dashboard showing "unreachable" long after the
 * service came back. Calls already under way on the old channels run to their end.
 */
export function reconnectLater(): void {
  const current = holder.__genlabDashboard;
  holder.__genlabDashboard = undefined;
  current?.clients.close();
}

/** Where the dashboard expects each service ('host:port'), from GENLAB_*_URL / GENLAB_*_PORT. */
export function serviceAddress(service: ServiceName): string {
  return connection().addresses[service];
}
