export * from './emulator-types';
export * from './fault-script';
export * from './emulator-server';
