import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { Logger, Module } from '@nestjs/common';
import { initCompute } from '@genlab/compute';
import { GenlabConfig, loadConfig, serviceAccessProblem } from '@genlab/config';
import type { GenlabServiceName } from '@genlab/contracts';
import { GrpcServiceHandle, logLevelsFrom, startGrpcService } from '@genlab/grpc';
import { CoreModule } from './core.module';
import { DrainRegistry } from './drain-registry';

/** How long running work (training runs, open streams) gets to finish on shutdown. */
const DRAIN_TIMEOUT_MS = 20_000;

export interface BootstrapOptions {
  /** The service runs models: choose the TensorFlow.js backend first and log it. */
  compute?: boolean;
}

@Module({})
class ServiceRootModule {
  static compose(config: GenlabConfig, feature: Type<unknown>): DynamicModule {
    return { module: ServiceRootModule, imports: [CoreModule.forRoot(config), feature] };
  }
}

/**
 * Start a genlab service: validate the configuration (fail fast), choose the compute
 * backend if the service needs one, and serve the feature module with the shared core
 * (configuration, database) on the configured port.
 */
export async function bootstrapService(
  name: GenlabServiceName,
  feature: Type<unknown>,
  options: BootstrapOptions = {},
): Promise<GrpcServiceHandle> {
  const logger = new Logger(`${name}-service`);
  let config: GenlabConfig;
  try {
    config = loadConfig();
    const problem = serviceAccessProblem(config);
    if (problem) throw new Error(problem);
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  try {
    if (options.compute) {
      await initCompute({ backend: config.tfBackend, wasmThreads: config.wasmThreads, logger: new Logger('Compute') });
    }
    return await startGrpcService(ServiceRootModule.compose(config, feature) as unknown as Type<unknown>, {
      name,
      url: `${config.host}:${config.ports[name]}`,
      logLevels: logLevelsFrom(config.logLevel),
      beforeClose: (app) => app.get(DrainRegistry).drainAll(DRAIN_TIMEOUT_MS),
    });
  } catch (error) {
    logger.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
