export { bullConnection, bullPrefix, ClusterPolling, type ClusterPollingOptions } from './cluster-polling';
export { chunk, type PollPlan, pollPlan } from './poll-plan';
export { type PlannedTick, PollPlanner } from './poll-planner';
export { PollState } from './poll-state';
export { type PollJobData, type PollJobResult, type PollTarget, queueName } from './poll-target';
export { type PollWorkerStats } from './poll-worker';
export { type BudgetClock, type PlatformRateBudget, type Reservation, SharedBudget, SharedBudgets, type SharedBudgetsOptions } from './shared-budgets';
