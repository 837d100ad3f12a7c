export * from './grpc-exception.filter';
export * from './grpc-server';
export * from './request-validation';
export * from './status-mapping';
export * from './call-cancellation';
export * from './health-status';
export * from './sample-chunk-serializer';
