import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { toGrpcError } from './status-mapping';

/** Global filter: every error a handler throws leaves through `toGrpcError`. */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const payload = toGrpcError(exception, (ref, error) =>
      this.logger.error(`internal error ${ref}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
    return throwError(() => payload);
  }
}
