export * from './sandbox.types';
export { startSandbox } from './start-sandbox';
export { samplePeople } from './sandbox-people';
export { PLATFORM_REGISTRY, type PlatformRegistry, type RegisteredPlatform } from './platform-registry';
export { seededRandom } from './seeded-random';
