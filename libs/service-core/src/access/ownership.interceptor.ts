import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isObservable, lastValueFrom, Observable, from, mergeMap } from 'rxjs';
import type { Database } from '@genlab/db';
import { DATABASE } from '../tokens';
import { callers } from './access.guard';
import { RPC_POLICIES } from './rpc-policy';

const PATTERN_METADATA = 'microservices:pattern';

/** Records the caller as the owner of what a successful `create` call made (see RPC_POLICIES). */
@Injectable()
export class OwnershipInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const pattern = this.reflector.get<{ service?: string; rpc?: string }[] | undefined>(PATTERN_METADATA, context.getHandler())?.[0];
    const policy = RPC_POLICIES[`${pattern?.service}/${pattern?.rpc}`];
    const caller = callers.get(context.switchToRpc().getContext<object>());
    if (!caller || policy?.access !== 'create' || !policy.owns) return next.handle();
    const { kind, id } = policy.owns;
    return next.handle().pipe(
      mergeMap((value) =>
        from(
          (async () => {
            const resolved = isObservable(value) ? await lastValueFrom(value) : await value;
            const created = id(resolved);
            for (const resourceId of typeof created === 'string' ? [created] : (created ?? [])) await this.db.access.recordOwner(kind, resourceId, caller.id);
            return resolved;
          })(),
        ),
      ),
    );
  }
}
