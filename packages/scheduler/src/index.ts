export {
  createScheduler,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerStats,
  type SchedulerTimers,
} from './scheduler'
