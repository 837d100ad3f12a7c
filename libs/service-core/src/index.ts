export * from './bootstrap';
export * from './checkpoint-loader';
export * from './core.module';
export * from './dataset-loader';
export * from './drain-registry';
export * from './tokens';
export * from './import-paths';
export { RPC_POLICIES, roleAllows, type RpcPolicy } from './access/rpc-policy';
