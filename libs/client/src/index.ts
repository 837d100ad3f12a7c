export * from './genlab-clients';
