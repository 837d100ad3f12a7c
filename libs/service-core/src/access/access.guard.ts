import { CanActivate, ExecutionContext, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Metadata } from '@grpc/grpc-js';
import type { GenlabConfig } from '@genlab/config';
import type { ApiToken, Database } from '@genlab/db';
import { permissionDenied, unauthenticated } from '@genlab/errors';
import { DATABASE, GENLAB_CONFIG } from '../tokens';
import { RPC_POLICIES, roleAllows } from './rpc-policy';

/** Nest's metadata key for @GrpcMethod / @GrpcStreamMethod patterns. */
const PATTERN_METADATA = 'microservices:pattern';
/** A token lookup is reused this long: a revoked token stops working within this time. */
const CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

/** The caller of a request, by its metadata object (set by AccessGuard, read by OwnershipInterceptor). */
export const callers = new WeakMap<object, ApiToken>();

/**
 * Checks every RPC against RPC_POLICIES when GENLAB_AUTH=tokens: the bearer token (gRPC
 * metadata `authorization: Bearer <token>`) must be active (UNAUTHENTICATED otherwise), its role
 * must allow the call, and for calls that change an existing resource, an editor must own it
 * (PERMISSION_DENIED otherwise). With GENLAB_AUTH=open (loopback only) every call passes.
 */
@Injectable()
export class AccessGuard implements CanActivate, OnApplicationBootstrap {
  private readonly logger = new Logger('Access');
  private readonly cache = new Map<string, { token: ApiToken | undefined; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auth === 'open') {
      this.logger.warn(
        `access control is OFF (GENLAB_AUTH=open): anyone who can reach ${this.config.host} may call every RPC. ` +
          'For a team, create an admin token (npm run admin -- tokens create --role admin --name <you>) and set GENLAB_AUTH=tokens.',
      );
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.config.auth === 'open' || context.getType() !== 'rpc') return true;
    const patterns = this.reflector.get<{ service?: string; rpc?: string }[] | undefined>(PATTERN_METADATA, context.getHandler());
    const pattern = patterns?.[0];
    const method = `${pattern?.service}/${pattern?.rpc}`;
    const metadata = context.switchToRpc().getContext<Metadata>();
    const caller = await this.authenticate(metadata);
    const policy = RPC_POLICIES[method];
    if (!policy) throw permissionDenied(`${method} has no access policy; nobody may call it`);
    if (!roleAllows(caller.role, policy)) throw permissionDenied(`${method} needs the ${policy.access === 'read' ? 'viewer' : policy.access === 'admin' ? 'admin' : 'editor'} role; token '${caller.name}' is ${caller.role}`);
    if (policy.access === 'modify' && caller.role !== 'admin') {
      const resource = await policy.resource(this.db, context.switchToRpc().getData());
      // An unknown resource passes here so that the handler answers NOT_FOUND.
      const owner = resource?.id ? await this.db.access.ownerOf(resource.kind, resource.id) : undefined;
      if (resource && owner !== undefined && owner !== caller.id) throw permissionDenied(`${method}: the ${resource.kind} ${resource.id} belongs to someone else; only its owner or an admin may change it`);
      if (resource && owner === undefined && (await this.exists(resource.kind, resource.id))) {
        throw permissionDenied(`${method}: the ${resource.kind} ${resource.id} has no recorded owner; only an admin may change it`);
      }
    }
    callers.set(metadata, caller);
    return true;
  }

  private async authenticate(metadata: Metadata | undefined): Promise<ApiToken> {
    const header = metadata?.get?.('authorization')?.[0];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw unauthenticated('missing credentials: send "authorization: Bearer <token>" (GENLAB_TOKEN for the CLI)');
    const secret = match[1] as string;
    const now = Date.now();
    let entry = this.cache.get(secret);
    if (!entry || entry.until < now) {
      entry = { token: await this.db.access.findActiveToken(secret), until: now + CACHE_MS };
      this.cache.set(secret, entry);
      if (this.cache.size > 10_000) this.cache.clear();
    }
    if (!entry.token) throw unauthenticated('unknown or revoked token');
    if ((this.touched.get(entry.token.id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.touched.set(entry.token.id, now);
      void this.db.access.touchToken(entry.token.id).catch(() => undefined);
    }
    return entry.token;
  }

  private async exists(kind: 'experiment' | 'run' | 'dataset', id: string): Promise<boolean> {
    const found = kind === 'run' ? this.db.runs.get(id) : kind === 'dataset' ? this.db.datasets.get(id) : this.db.experiments.get(id);
    return found.then(
      () => true,
      () => false,
    );
  }
}
