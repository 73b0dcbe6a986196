export * from './local-time';
export * from './channel-ranking';
export * from './meeting-now';
export * from './suggestions';
export * from './pattern-accounting';
