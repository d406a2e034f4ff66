import {
  autoScalingCron,
  awakeHoursPerWeek,
  schedulerCron,
  type SleepScheduleArgs,
  validateSleepScheduleArgs,
  workingHoursProblems,
} from "../../../components/cost/sleep-schedule";
import { byName, json, ofType, type OfflineRun, runProgram } from "../../support/offline";

const ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule";
const SCHEDULER = "aws:scheduler/schedule:Schedule";
const DB_ARN = "arn:aws:rds:us-west-2:123456789012:db:platform-dev";

const VALID: SleepScheduleArgs = {
  timeZone: "America/Los_Angeles",
  days: ["MON", "TUE", "WED", "THU", "FRI"],
  wakeAt: "07:00",
  sleepAt: "20:00",
  nodeGroups: {
    system: { autoscalingGroupName: "eks-system-1", minSize: 1, maxSize: 2, desiredSize: 1 },
    application: { autoscalingGroupName: "eks-application-1", minSize: 1, maxSize: 3, desiredSize: 2 },
  },
  dbInstanceArn: DB_ARN,
};

function build(args: SleepScheduleArgs): Promise<OfflineRun> {
  return runProgram(async () => {
    const { SleepSchedule } = await import("../../../components/cost/sleep-schedule");
    const sleep = new SleepSchedule("sleep", args);
    return {
      scheduledActionNames: sleep.scheduledActionNames,
      ...(sleep.schedulerRoleArn ? { schedulerRoleArn: sleep.schedulerRoleArn } : {}),
    };
  });
}

const children = (run: OfflineRun) =>
  run.resources
    .filter((r) => r.type.startsWith("aws:"))
    .map((r) => `${r.type} ${r.name}`)
    .sort();

interface Statement {
  Effect: string;
  Principal?: { Service: string };
  Action: string | string[];
  Resource?: string;
  Condition?: Record<string, Record<string, string>>;
}

describe("SleepSchedule", () => {
  let run: OfflineRun;

  beforeAll(async () => {
    run = await build(VALID);
  });

  test("children: sleep and wake actions per node group, and the database's schedules with their role", () => {
    expect(ofType(run, "platform:cost:SleepSchedule").map((c) => c.name)).toEqual(["sleep"]);
    expect(children(run)).toEqual([
      `${ASG_SCHEDULE} sleep-application-sleep`,
      `${ASG_SCHEDULE} sleep-application-wake`,
      `${ASG_SCHEDULE} sleep-system-sleep`,
      `${ASG_SCHEDULE} sleep-system-wake`,
      "aws:iam/role:Role sleep-scheduler",
      "aws:iam/rolePolicy:RolePolicy sleep-scheduler",
      `${SCHEDULER} sleep-db-start`,
      `${SCHEDULER} sleep-db-stop`,
    ]);
    const component = ofType(run, "platform:cost:SleepSchedule")[0].urn;
    expect(run.resources.filter((r) => r.type.startsWith("aws:")).every((r) => r.parent === component)).toBe(
      true,
    );
  });

  test("node groups scale to zero (max too, so the autoscaler cannot add nodes) and back to their sizes", () => {
    expect(byName(run, ASG_SCHEDULE, "sleep-application-sleep").inputs).toEqual({
      autoscalingGroupName: "eks-application-1",
      scheduledActionName: "sleep-application-sleep",
      recurrence: "0 20 * * 1,2,3,4,5",
      timeZone: "America/Los_Angeles",
      minSize: 0,
      maxSize: 0,
      desiredCapacity: 0,
    });
    expect(byName(run, ASG_SCHEDULE, "sleep-application-wake").inputs).toEqual({
      autoscalingGroupName: "eks-application-1",
      scheduledActionName: "sleep-application-wake",
      recurrence: "0 7 * * 1,2,3,4,5",
      timeZone: "America/Los_Angeles",
      minSize: 1,
      maxSize: 3,
      desiredCapacity: 2,
    });
    expect(run.outputs.scheduledActionNames).toEqual({
      system: { sleep: "sleep-system-sleep", wake: "sleep-system-wake" },
      application: { sleep: "sleep-application-sleep", wake: "sleep-application-wake" },
    });
  });

  test("the database stops at sleepAt and starts 30 minutes before wakeAt through the RDS API (no Lambda)", () => {
    const role = byName(run, "aws:iam/role:Role", "sleep-scheduler");
    const target = (action: string) => ({
      arn: `arn:aws:scheduler:::aws-sdk:rds:${action}DBInstance`,
      roleArn: "arn:aws:iam::123456789012:role/sleep-scheduler",
      input: '{"DbInstanceIdentifier":"platform-dev"}',
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
    });
    expect(byName(run, SCHEDULER, "sleep-db-stop").inputs).toEqual({
      description: "Stop RDS instance platform-dev (sleep)",
      scheduleExpression: "cron(0 20 ? * MON,TUE,WED,THU,FRI *)",
      scheduleExpressionTimezone: "America/Los_Angeles",
      flexibleTimeWindow: { mode: "OFF" },
      target: target("stop"),
    });
    expect(byName(run, SCHEDULER, "sleep-db-start").inputs).toMatchObject({
      scheduleExpression: "cron(30 6 ? * MON,TUE,WED,THU,FRI *)",
      target: target("start"),
    });
    // The schedules wait for the role's permissions, so the first run does not fail.
    const policy = byName(run, "aws:iam/rolePolicy:RolePolicy", "sleep-scheduler");
    expect(byName(run, SCHEDULER, "sleep-db-stop").dependencies).toEqual(
      expect.arrayContaining([policy.urn, role.urn]),
    );
  });

  test("least privilege: only Scheduler of this account assumes the role; it stops and starts one instance", () => {
    const trust = json<{ Statement: Statement[] }>(
      byName(run, "aws:iam/role:Role", "sleep-scheduler").inputs.assumeRolePolicy,
    );
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: {
            "aws:SourceAccount": "123456789012",
            "aws:SourceArn": "arn:aws:scheduler:us-west-2:123456789012:schedule-group/default",
          },
        },
      },
    ]);
    const policy = json<{ Statement: Statement[] }>(
      byName(run, "aws:iam/rolePolicy:RolePolicy", "sleep-scheduler").inputs.policy,
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "StopAndStartOneInstance",
        Effect: "Allow",
        Action: ["rds:StopDBInstance", "rds:StartDBInstance"],
        Resource: DB_ARN,
      },
    ]);
  });

  test("without a database: node group actions only, no role", async () => {
    const nodesOnly = await build({
      ...VALID,
      dbInstanceArn: undefined,
      nodeGroups: { system: VALID.nodeGroups!.system },
    });
    expect(children(nodesOnly)).toEqual([
      `${ASG_SCHEDULE} sleep-system-sleep`,
      `${ASG_SCHEDULE} sleep-system-wake`,
    ]);
  });

  test("weekend days and custom lead time reach both cron dialects", async () => {
    const weekend = await build({
      ...VALID,
      days: ["SAT", "SUN"],
      wakeAt: "09:15",
      sleepAt: "17:45",
      databaseLeadMinutes: 45,
    });
    expect(byName(weekend, ASG_SCHEDULE, "sleep-system-wake").inputs.recurrence).toBe("15 9 * * 0,6");
    expect(byName(weekend, ASG_SCHEDULE, "sleep-system-sleep").inputs.recurrence).toBe("45 17 * * 0,6");
    expect(byName(weekend, SCHEDULER, "sleep-db-start").inputs.scheduleExpression).toBe(
      "cron(30 8 ? * SAT,SUN *)",
    );
  });

  test("invalid arguments throw before anything is registered, listing every problem", async () => {
    await expect(build({ ...VALID, timeZone: "Nowhere/Else", sleepAt: "06:00" })).rejects.toThrow(
      "SleepSchedule 'sleep' has invalid arguments:\n  - timeZone must be an IANA time zone name such as Europe/Berlin or UTC\n  - sleepAt must be later than wakeAt (07:00) on the same day",
    );
  });
});

describe("working hours", () => {
  test.each<[Partial<SleepScheduleArgs>, string[]]>([
    [{ timeZone: "UTC" }, []],
    [{ timeZone: "+02:00" }, ["timeZone must be an IANA time zone name such as Europe/Berlin or UTC"]],
    [{ days: [] }, ["days must list each working day once, at least one"]],
    [{ wakeAt: "24:00" }, ["wakeAt must be a time HH:MM (24-hour clock)"]],
    [{ sleepAt: "07:00" }, ["sleepAt must be later than wakeAt (07:00) on the same day"]],
    [{ databaseLeadMinutes: 181 }, ["databaseLeadMinutes must be an integer from 0 to 180"]],
    [
      { wakeAt: "00:10" },
      ["databaseLeadMinutes starts the database before midnight (wakeAt 00:10 minus 30 minutes); lower it"],
    ],
    [
      { nodeGroups: { System: { autoscalingGroupName: "a", minSize: 0, maxSize: 1, desiredSize: 0 } } },
      ["nodeGroups key 'System' must be a lowercase name (it becomes part of child names)"],
    ],
    [
      { nodeGroups: { app: { autoscalingGroupName: "a", minSize: 2, maxSize: 3, desiredSize: 1 } } },
      ["nodeGroups.app sizes must be integers with 0 <= minSize <= desiredSize <= maxSize (got 2/1/3)"],
    ],
  ])("%j", (change, problems) => {
    expect(validateSleepScheduleArgs({ ...VALID, ...change })).toEqual(problems);
  });

  test("cron expressions and awake hours", () => {
    expect(autoScalingCron(20 * 60, ["FRI", "MON"])).toBe("0 20 * * 1,5");
    expect(schedulerCron(6 * 60 + 30, ["FRI", "MON"])).toBe("cron(30 6 ? * MON,FRI *)");
    expect(awakeHoursPerWeek(VALID)).toBe(65);
    expect(workingHoursProblems(VALID)).toEqual([]);
  });
});
