export * from './domain-error';
export * from './aborted-error';
