export * from './normalized';
export * from './discord';
export * from './slack';
export * from './teams';
export * from './zoom';
export * from './recency';
