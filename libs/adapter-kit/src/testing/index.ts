export * from './emulator-types';
export * from './fault-script';
export * from './emulator-server';
export * from './contract/contract-types';
export { defaultTuning, activeResources, leaksSince, connectionsAfterClose, leaksAfterClose } from './contract/harness';
export * from './contract/run-adapter-contract';
export * from './webhook-receiver';
export * from './signed-webhook-sender';
