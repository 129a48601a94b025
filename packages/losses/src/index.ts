// Public surface of @aekit/losses.
export type { Reduction, LossOptions } from './reduction';
export { REDUCTIONS } from './reduction';
export { mse } from './mse';
export { bce, DEFAULT_BCE_EPSILON, BCE_EPSILON_MODES, type BceOptions, type BceEpsilonMode } from './bce';
export { kl } from './kl';
export { l2 } from './l2';
export {
  lossFromConfig,
  validateLossConfig,
  LOSS_NAMES,
  type LossConfig,
  type LossName,
  type ConfiguredLoss,
} from './loss-config';
export { elbo, type ElboInput, type ElboResult } from './elbo';
export {
  constantSchedule,
  linearWarmup,
  cyclicalSchedule,
  scheduleFromConfig,
  type Schedule,
  type LinearWarmupOptions,
  type CyclicalOptions,
  type ScheduleConfig,
} from './schedule';
