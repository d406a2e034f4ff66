/**
 * Thresholds of the CloudWatch alarms, with the assessments' values as defaults (CPU 80 %, memory
 * 70/80/90/95 %) and conservative ones where the assessments are silent. Pure data and a resolver.
 */

/** Redis memory steps (percent of `maxmemory`) and the topic each pages. */
export interface MemorySteps {
  readonly warning: number;
  readonly high: number;
  readonly critical: number;
  readonly emergency: number;
}

/** Every threshold; each optional in {@link AlarmThresholdArgs}. */
export interface AlarmThresholds {
  /** RDS `CPUUtilization` (percent, 5-minute average). */
  readonly rdsCpuPercent: number;
  /** RDS `FreeStorageSpace` below this many bytes. */
  readonly rdsFreeStorageBytes: number;
  /** RDS `FreeableMemory` below this many bytes. */
  readonly rdsFreeableMemoryBytes: number;
  /** RDS `DatabaseConnections` above this count. */
  readonly rdsConnections: number;
  /** RDS `ReplicaLag` (seconds) of each read replica. */
  readonly rdsReplicaLagSeconds: number;
  /** ElastiCache `EngineCPUUtilization` (percent) of each node. */
  readonly redisEngineCpuPercent: number;
  /** ElastiCache `DatabaseMemoryUsagePercentage` steps of each node. */
  readonly redisMemoryPercent: MemorySteps;
  /** ElastiCache `Evictions` per 5 minutes. */
  readonly redisEvictions: number;
  /** ElastiCache `ReplicationLag` (seconds) of each replica node. */
  readonly redisReplicationLagSeconds: number;
  /** NAT gateway `ErrorPortAllocation` per 5 minutes (any is a problem). */
  readonly natPortAllocationErrors: number;
  /** NAT gateway `PacketsDropCount` per 5 minutes. */
  readonly natPacketsDropped: number;
}

/** Overrides; each left out takes {@link DEFAULT_ALARM_THRESHOLDS}. */
export type AlarmThresholdArgs = Partial<AlarmThresholds>;

const GIB = 1024 * 1024 * 1024;

/** The assessments' values where they give one (CPU 80 %, memory 70/80/90/95 %). */
export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  rdsCpuPercent: 80,
  rdsFreeStorageBytes: 10 * GIB,
  rdsFreeableMemoryBytes: 1 * GIB,
  rdsConnections: 400,
  rdsReplicaLagSeconds: 30,
  redisEngineCpuPercent: 80,
  redisMemoryPercent: { warning: 70, high: 80, critical: 90, emergency: 95 },
  redisEvictions: 100,
  redisReplicationLagSeconds: 5,
  natPortAllocationErrors: 0,
  natPacketsDropped: 100,
};

/** The thresholds with every default applied. */
export function resolveAlarmThresholds(args: AlarmThresholdArgs = {}): AlarmThresholds {
  return { ...DEFAULT_ALARM_THRESHOLDS, ...args };
}

/** Every problem with the thresholds, as sentences. */
export function alarmThresholdProblems(t: AlarmThresholds): string[] {
  const m = t.redisMemoryPercent;
  const steps = [m.warning, m.high, m.critical, m.emergency];
  return steps.every((v, i) => i === 0 || v > steps[i - 1])
    ? []
    : [
        `redisMemoryPercent: warning < high < critical < emergency is required (received ${JSON.stringify(m)})`,
      ];
}
