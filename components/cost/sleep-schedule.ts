/**
 * A stack that sleeps outside working hours: its EKS node groups scale to zero through scheduled
 * actions on their Auto Scaling groups and come back in the morning; its database is stopped at night
 * and started before work by EventBridge Scheduler calling the RDS API directly (universal target,
 * no Lambda), with a role that may only stop and start that one instance.
 *
 * What does not sleep: the EKS control plane, NAT gateways, interface endpoints, ElastiCache (it
 * cannot be stopped), EBS volumes of persistent volumes and the database's storage. Decision record
 * docs/decisions/0091-dev-sleeps-on-schedules.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Days of the week as EventBridge Scheduler spells them. */
export const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The Unix cron day numbers Auto Scaling uses (Sunday is 0). */
const CRON_DAY: Readonly<Record<Weekday, number>> = {
  SUN: 0,
  MON: 1,
  TUE: 2,
  WED: 3,
  THU: 4,
  FRI: 5,
  SAT: 6,
};

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Most minutes the database may be started before the nodes wake. */
export const MAX_DATABASE_LEAD_MINUTES = 180;

/** When the stack is awake: the same hours on each listed day, in one time zone. */
export interface WorkingHours {
  /** IANA time zone the times are read in, e.g. `Europe/Berlin` (daylight saving followed). */
  readonly timeZone: string;
  /** Working days; the stack sleeps through the others (a weekend sleeps from the last day's `sleepAt`). */
  readonly days: readonly Weekday[];
  /** `HH:MM` the node groups are scaled back up. */
  readonly wakeAt: string;
  /** `HH:MM` the node groups scale to zero and the database stops; later than `wakeAt` on the same day. */
  readonly sleepAt: string;
  /**
   * Minutes before `wakeAt` the database is started (starting takes several minutes).
   * @default 30
   */
  readonly databaseLeadMinutes?: number;
}

/** True when the runtime knows the IANA time zone name (the same database AWS uses). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return /^[A-Za-z]/.test(name);
  } catch {
    return false;
  }
}

function minutesOf(time: string): number | undefined {
  const match = HH_MM.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Every problem with the working hours, by field, as sentences. Empty when they are usable. */
export function workingHoursProblems(hours: WorkingHours): { field: keyof WorkingHours; message: string }[] {
  const problems: { field: keyof WorkingHours; message: string }[] = [];
  if (!isTimeZone(hours.timeZone)) {
    problems.push({
      field: "timeZone",
      message: "must be an IANA time zone name such as Europe/Berlin or UTC",
    });
  }
  if (hours.days.length === 0 || new Set(hours.days).size !== hours.days.length) {
    problems.push({ field: "days", message: "must list each working day once, at least one" });
  }
  const wake = minutesOf(hours.wakeAt);
  const sleep = minutesOf(hours.sleepAt);
  if (wake === undefined) {
    problems.push({ field: "wakeAt", message: "must be a time HH:MM (24-hour clock)" });
  }
  if (sleep === undefined) {
    problems.push({ field: "sleepAt", message: "must be a time HH:MM (24-hour clock)" });
  }
  if (wake !== undefined && sleep !== undefined && sleep <= wake) {
    problems.push({
      field: "sleepAt",
      message: `must be later than wakeAt (${hours.wakeAt}) on the same day`,
    });
  }
  const lead = hours.databaseLeadMinutes ?? 30;
  if (!Number.isInteger(lead) || lead < 0 || lead > MAX_DATABASE_LEAD_MINUTES) {
    problems.push({
      field: "databaseLeadMinutes",
      message: `must be an integer from 0 to ${MAX_DATABASE_LEAD_MINUTES}`,
    });
  } else if (wake !== undefined && wake - lead < 0) {
    problems.push({
      field: "databaseLeadMinutes",
      message: `starts the database before midnight (wakeAt ${hours.wakeAt} minus ${lead} minutes); lower it`,
    });
  }
  return problems;
}

/** Hours per week the stack is awake. */
export function awakeHoursPerWeek(hours: WorkingHours): number {
  return (hours.days.length * (minutesOf(hours.sleepAt)! - minutesOf(hours.wakeAt)!)) / 60;
}

/** `M H * * d,d` for Auto Scaling scheduled actions (Unix cron, read in the action's time zone). */
export function autoScalingCron(minutes: number, days: readonly Weekday[]): string {
  const dayList = [...days]
    .map((d) => CRON_DAY[d])
    .sort((a, b) => a - b)
    .join(",");
  return `${minutes % 60} ${Math.floor(minutes / 60)} * * ${dayList}`;
}

/** `cron(M H ? * DAY,DAY *)` for EventBridge Scheduler. */
export function schedulerCron(minutes: number, days: readonly Weekday[]): string {
  const dayList = WEEKDAYS.filter((d) => days.includes(d)).join(",");
  return `cron(${minutes % 60} ${Math.floor(minutes / 60)} ? * ${dayList} *)`;
}

/** A node group to put to sleep: its Auto Scaling group and the sizes it wakes up with. */
export interface SleepingNodeGroup {
  /** Name of the node group's Auto Scaling group (`resources[0].autoscalingGroups[0].name` of `aws.eks.NodeGroup`). */
  readonly autoscalingGroupName: pulumi.Input<string>;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
}

export interface SleepScheduleArgs extends WorkingHours {
  /**
   * Node groups by a stable key (the node group's config key): each gets a `sleep` action
   * (min, max and desired 0, so the Cluster Autoscaler cannot add nodes at night) and a `wake`
   * action restoring its sizes.
   * @default none
   */
  readonly nodeGroups?: Readonly<Record<string, SleepingNodeGroup>>;
  /**
   * ARN of the RDS DB instance to stop at `sleepAt` and start `databaseLeadMinutes` before `wakeAt`
   * (`arn:aws:rds:<region>:<account>:db:<identifier>`). RDS cannot stop an instance that has read
   * replicas. Left out: no database schedules and no scheduler role.
   */
  readonly dbInstanceArn?: pulumi.Input<string>;
}

/** Problems with the args as sentences (the working hours plus the node group sizes). */
export function validateSleepScheduleArgs(args: SleepScheduleArgs): string[] {
  const problems = workingHoursProblems(args).map((p) => `${p.field} ${p.message}`);
  for (const [key, group] of Object.entries(args.nodeGroups ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(key)) {
      problems.push(`nodeGroups key '${key}' must be a lowercase name (it becomes part of child names)`);
    }
    const { minSize, maxSize, desiredSize } = group;
    const sizes = [minSize, maxSize, desiredSize];
    if (
      !sizes.every((n) => Number.isInteger(n) && n >= 0) ||
      minSize > desiredSize ||
      desiredSize > maxSize
    ) {
      problems.push(
        `nodeGroups.${key} sizes must be integers with 0 <= minSize <= desiredSize <= maxSize (got ${minSize}/${desiredSize}/${maxSize})`,
      );
    }
  }
  return problems;
}

/** `arn:<partition>:rds:<region>:<account>:db:<identifier>` split into its parts. */
function parseDbArn(arn: string): { partition: string; region: string; account: string; identifier: string } {
  const match = /^arn:([a-z-]+):rds:([a-z0-9-]+):(\d{12}):db:([A-Za-z][A-Za-z0-9-]*)$/.exec(arn);
  if (!match) {
    throw new Error(
      `dbInstanceArn '${arn}' is not an RDS DB instance ARN (arn:aws:rds:<region>:<account>:db:<identifier>)`,
    );
  }
  return { partition: match[1], region: match[2], account: match[3], identifier: match[4] };
}

/** Node groups that scale to zero outside working hours and a database that stops at night. */
export class SleepSchedule extends pulumi.ComponentResource {
  /** Auto Scaling scheduled action names, `sleep` then `wake`, by node group key. */
  public readonly scheduledActionNames: Readonly<Record<string, { sleep: string; wake: string }>>;
  /** ARN of the role EventBridge Scheduler assumes to stop and start the database (absent without one). */
  public readonly schedulerRoleArn: pulumi.Output<string> | undefined;
  /** ARNs of the database `stop` and `start` schedules (absent without a database). */
  public readonly databaseScheduleArns:
    { stop: pulumi.Output<string>; start: pulumi.Output<string> } | undefined;

  constructor(name: string, args: SleepScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = validateSleepScheduleArgs(args);
    if (problems.length > 0) {
      throw new Error(`SleepSchedule '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    super("platform:cost:SleepSchedule", name, {}, opts);
    const wake = minutesOf(args.wakeAt)!;
    const sleep = minutesOf(args.sleepAt)!;
    const lead = args.databaseLeadMinutes ?? 30;

    this.scheduledActionNames = Object.fromEntries(
      Object.entries(args.nodeGroups ?? {}).map(([key, group]) => [
        key,
        this.createNodeGroupActions(`${name}-${key}`, group, args, { wake, sleep }),
      ]),
    );

    if (args.dbInstanceArn !== undefined) {
      const db = pulumi.output(args.dbInstanceArn).apply(parseDbArn);
      const role = this.createSchedulerRole(name, args.dbInstanceArn, db);
      const schedule = (action: "stop" | "start", minutes: number) =>
        new aws.scheduler.Schedule(
          `${name}-db-${action}`,
          {
            description: pulumi.interpolate`${action === "stop" ? "Stop" : "Start"} RDS instance ${db.identifier} (${name})`,
            scheduleExpression: schedulerCron(minutes, args.days),
            scheduleExpressionTimezone: args.timeZone,
            flexibleTimeWindow: { mode: "OFF" },
            target: {
              arn: `arn:aws:scheduler:::aws-sdk:rds:${action}DBInstance`,
              roleArn: role.arn,
              input: pulumi.jsonStringify({ DbInstanceIdentifier: db.identifier }),
              // A stopped instance refuses another stop (and a started one a start): do not insist.
              retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
            },
          },
          { parent: this, dependsOn: [role.policy] },
        );
      const stop = schedule("stop", sleep);
      const start = schedule("start", wake - lead);
      this.schedulerRoleArn = role.arn;
      this.databaseScheduleArns = { stop: stop.arn, start: start.arn };
    }

    this.registerOutputs({
      scheduledActionNames: this.scheduledActionNames,
      schedulerRoleArn: this.schedulerRoleArn,
      databaseScheduleArns: this.databaseScheduleArns,
    });
  }

  private createNodeGroupActions(
    prefix: string,
    group: SleepingNodeGroup,
    hours: WorkingHours,
    at: { wake: number; sleep: number },
  ): { sleep: string; wake: string } {
    const names = { sleep: `${prefix}-sleep`, wake: `${prefix}-wake` };
    new aws.autoscaling.Schedule(
      names.sleep,
      {
        autoscalingGroupName: group.autoscalingGroupName,
        scheduledActionName: names.sleep,
        recurrence: autoScalingCron(at.sleep, hours.days),
        timeZone: hours.timeZone,
        minSize: 0,
        maxSize: 0,
        desiredCapacity: 0,
      },
      { parent: this },
    );
    new aws.autoscaling.Schedule(
      names.wake,
      {
        autoscalingGroupName: group.autoscalingGroupName,
        scheduledActionName: names.wake,
        recurrence: autoScalingCron(at.wake, hours.days),
        timeZone: hours.timeZone,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredCapacity: group.desiredSize,
      },
      { parent: this },
    );
    return names;
  }

  /** A role only EventBridge Scheduler of this account may assume, allowed to stop and start one instance. */
  private createSchedulerRole(
    name: string,
    dbInstanceArn: pulumi.Input<string>,
    db: pulumi.Output<{ partition: string; region: string; account: string }>,
  ): { arn: pulumi.Output<string>; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
      `${name}-scheduler`,
      {
        description: `EventBridge Scheduler stops and starts the database outside working hours (${name})`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "scheduler.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: {
                StringEquals: {
                  "aws:SourceAccount": db.account,
                  "aws:SourceArn": pulumi.interpolate`arn:${db.partition}:scheduler:${db.region}:${db.account}:schedule-group/default`,
                },
              },
            },
          ],
        }),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "StopAndStartOneInstance",
              Effect: "Allow",
              Action: ["rds:StopDBInstance", "rds:StartDBInstance"],
              Resource: dbInstanceArn,
            },
          ],
        }),
      },
      { parent: this },
    );
    return { arn: role.arn, policy };
  }
}
