export { runLiveCheck, EXIT, type LiveCheckIo } from './live-check';
export { checkPlatform, type PlatformCheck } from './check-platform';
export { parseArgs, USAGE, type LiveCheckArgs } from './cli-args';
export { platformNeeds, isSecretVariable, type PlatformNeeds } from './platform-needs';
