/**
 * How long node groups and databases with sleep schedules run, read from the plan itself: the
 * Auto Scaling scheduled actions on a node group's Auto Scaling group (they depend on the node
 * group) and the EventBridge Scheduler schedules that stop and start a database (their input names
 * its identifier). Only the shape SleepSchedule creates is understood (the same days, a wake time
 * and a later sleep time); anything else counts as always on, and says so.
 */
import type { PlanResource } from "../policy/plan-input";
import type { AwakeTime } from "./model";
import { num, record } from "./model";

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const HOURS_PER_WEEK = 168;

interface Daily {
  readonly minutes: number;
  readonly days: readonly number[];
}

function expandDays(field: string, names: boolean): number[] | undefined {
  const index = (token: string): number | undefined => {
    const n = names ? DAYS.indexOf(token as (typeof DAYS)[number]) : Number(token);
    return Number.isInteger(n) && n >= 0 && n <= 6 ? n : undefined;
  };
  const days = new Set<number>();
  for (const part of field.split(",")) {
    const [from, to] = part.split("-").map(index);
    if (from === undefined || (part.includes("-") && to === undefined)) {
      return undefined;
    }
    for (let d = from; d <= (to ?? from); d++) {
      days.add(d);
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** `M H * * d,d` (Auto Scaling) or `cron(M H ? * DAY,DAY *)` (EventBridge Scheduler). */
export function parseDaily(expression: unknown): Daily | undefined {
  if (typeof expression !== "string") {
    return undefined;
  }
  const unix = /^(\d{1,2}) (\d{1,2}) \* \* ([0-6,-]+)$/.exec(expression);
  const scheduler = /^cron\((\d{1,2}) (\d{1,2}) \? \* ([A-Z,-]+) \*\)$/.exec(expression);
  const match = unix ?? scheduler;
  const days = match ? expandDays(match[3], scheduler !== null) : undefined;
  if (!match || !days || Number(match[1]) > 59 || Number(match[2]) > 23) {
    return undefined;
  }
  return { minutes: Number(match[2]) * 60 + Number(match[1]), days };
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** Awake time between a wake and a sleep on the same days; undefined when the pair is not that shape. */
export function awakeBetween(wake: Daily, sleep: Daily, timeZone: unknown): AwakeTime | undefined {
  if (wake.days.join() !== sleep.days.join() || sleep.minutes <= wake.minutes) {
    return undefined;
  }
  const hours = (wake.days.length * (sleep.minutes - wake.minutes)) / 60;
  const days = wake.days.map((d) => DAYS[d]).join(",");
  return {
    fraction: hours / HOURS_PER_WEEK,
    description: `${hours} h a week: ${days} ${clock(wake.minutes)}-${clock(sleep.minutes)} ${String(timeZone ?? "UTC")}`,
  };
}

/** Awake time of each node group and database that has sleep schedules, by URN; notes on schedules not understood. */
export function awakeTimes(resources: readonly PlanResource[]): {
  awake: Map<string, AwakeTime>;
  notes: string[];
} {
  const awake = new Map<string, AwakeTime>();
  const notes: string[] = [];
  for (const group of resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")) {
    const actions = resources.filter(
      (r) => r.type === "aws:autoscaling/schedule:Schedule" && r.dependencies.includes(group.urn),
    );
    if (actions.length === 0) {
      continue;
    }
    const sleep = actions.find((a) => num(a.props.desiredCapacity, -1) === 0);
    const wake = actions.find((a) => num(a.props.desiredCapacity) > 0);
    const on = wake && parseDaily(wake.props.recurrence);
    const off = sleep && parseDaily(sleep.props.recurrence);
    const time = on && off ? awakeBetween(on, off, wake.props.timeZone) : undefined;
    if (time) {
      awake.set(group.urn, time);
    } else {
      notes.push(`node group '${group.name}': scheduled actions not understood, priced as always on`);
    }
  }
  const dbSchedule = (identifier: unknown, action: string) =>
    resources.find((r) => {
      const target = record(r.props.target);
      let input: unknown;
      try {
        input = typeof target.input === "string" ? JSON.parse(target.input) : undefined;
      } catch {
        input = undefined;
      }
      return (
        r.type === "aws:scheduler/schedule:Schedule" &&
        String(target.arn).endsWith(`:rds:${action}`) &&
        record(input).DbInstanceIdentifier === identifier
      );
    });
  for (const db of resources.filter((r) => r.type === "aws:rds/instance:Instance")) {
    const stop = dbSchedule(db.props.identifier, "stopDBInstance");
    const start = dbSchedule(db.props.identifier, "startDBInstance");
    if (!stop && !start) {
      continue;
    }
    const on = start && parseDaily(start.props.scheduleExpression);
    const off = stop && parseDaily(stop.props.scheduleExpression);
    const time = on && off ? awakeBetween(on, off, start.props.scheduleExpressionTimezone) : undefined;
    if (time) {
      awake.set(db.urn, time);
    } else {
      notes.push(`database '${db.name}': stop/start schedules not understood, priced as always on`);
    }
  }
  return { awake, notes };
}
