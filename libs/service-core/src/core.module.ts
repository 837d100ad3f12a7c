import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { GenlabConfig } from '@genlab/config';
import { Database, openDatabase } from '@genlab/db';
import { AccessGuard } from './access/access.guard';
import { OwnershipInterceptor } from './access/ownership.interceptor';
import { DrainRegistry } from './drain-registry';
import { DATABASE, GENLAB_CONFIG } from './tokens';

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Provides the validated configuration and the opened database (migrations applied)
 * to every module of a service, and checks access to every RPC. The database opens once,
 * before the server listens.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: GenlabConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: GENLAB_CONFIG, useValue: config },
        {
          provide: DATABASE,
          useFactory: async () => {
            const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
            new Logger('Database').log(config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite in ${config.dataDir}`);
            return db;
          },
        },
        DatabaseCloser,
        DrainRegistry,
        // Access control on every RPC of every service (GENLAB_AUTH), and owners of what is created.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: OwnershipInterceptor },
      ],
      exports: [GENLAB_CONFIG, DATABASE, DrainRegistry],
    };
  }
}
