import { parseConfig, type RawConfig } from "../../../infra/config";
import { costSchema, workingHoursOf } from "../../../infra/config/cost";
import { stackRaw, withJson, problemsOf } from "../../support/config";

const MINIMAL = { budget: { monthlyLimitUsd: 300, alertEmails: ["team@example.com"] } };

function schemaMessages(value: unknown): string[] {
  const result = costSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("platform:cost schema", () => {
  test("a budget is all a stack must set; everything else has the documented defaults", () => {
    expect(costSchema.parse(MINIMAL)).toEqual({
      budget: {
        monthlyLimitUsd: 300,
        alertEmails: ["team@example.com"],
        actualAlertPercent: 80,
        forecastAlertPercent: 100,
      },
      anomalyDetection: { enabled: false, thresholdUsd: 100 },
      autoShutdown: {
        enabled: false,
        days: ["MON", "TUE", "WED", "THU", "FRI"],
        wakeAt: "07:00",
        sleepAt: "20:00",
        databaseLeadMinutes: 30,
      },
      usage: {
        spotDiscountPercent: 60,
        natProcessedGbPerMonth: 100,
        endpointProcessedGbPerMonth: 20,
        loadBalancerCapacityUnits: 1,
        logsGbPerMonth: { controlPlane: 10, flowLogs: 10, database: 2, cache: 0.5, other: 0.1 },
        databaseDailyChangePercent: 2,
        objectStorageGbPerBucket: 1,
        wafMillionRequestsPerMonth: 10,
        backupVaultGb: 100,
      },
    });
  });

  test("working hours exist only when the schedule is enabled", () => {
    expect(workingHoursOf(costSchema.parse(MINIMAL))).toBeUndefined();
    const on = costSchema.parse({ ...MINIMAL, autoShutdown: { enabled: true, timeZone: "Europe/Berlin" } });
    expect(workingHoursOf(on)).toEqual({
      timeZone: "Europe/Berlin",
      days: ["MON", "TUE", "WED", "THU", "FRI"],
      wakeAt: "07:00",
      sleepAt: "20:00",
      databaseLeadMinutes: 30,
    });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ["no budget", {}, ["budget: Invalid input: expected object, received undefined"]],
    [
      "a zero limit",
      { budget: { ...MINIMAL.budget, monthlyLimitUsd: 0 } },
      ["budget.monthlyLimitUsd: must be a number of US dollars over 0"],
    ],
    [
      "nobody alerted",
      { budget: { ...MINIMAL.budget, alertEmails: [] } },
      ["budget.alertEmails: must list 1 to 10 email addresses (AWS Budgets' limit per alert)"],
    ],
    [
      "not an email",
      { budget: { ...MINIMAL.budget, alertEmails: ["team"] } },
      ["budget.alertEmails.0: must be an email address"],
    ],
    [
      "an alert at 0 %",
      { budget: { ...MINIMAL.budget, actualAlertPercent: 0 } },
      [
        "budget.actualAlertPercent: must be an integer percentage from 1 to 1000 (of the limit actually spent)",
      ],
    ],
    [
      "enabled without a time zone",
      { ...MINIMAL, autoShutdown: { enabled: true } },
      [
        "autoShutdown.timeZone: is required when enabled: the working hours are read in it (e.g. Europe/Berlin)",
      ],
    ],
    [
      "an unknown time zone",
      { ...MINIMAL, autoShutdown: { enabled: true, timeZone: "Mars/Olympus" } },
      ["autoShutdown.timeZone: must be an IANA time zone name such as Europe/Berlin or UTC"],
    ],
    [
      "sleeping before waking",
      { ...MINIMAL, autoShutdown: { enabled: true, timeZone: "UTC", wakeAt: "20:00", sleepAt: "07:00" } },
      ["autoShutdown.sleepAt: must be later than wakeAt (20:00) on the same day"],
    ],
    [
      "a time that is not HH:MM",
      { ...MINIMAL, autoShutdown: { enabled: true, timeZone: "UTC", wakeAt: "7am" } },
      ["autoShutdown.wakeAt: must be a time HH:MM (24-hour clock)"],
    ],
    [
      "a day twice",
      { ...MINIMAL, autoShutdown: { enabled: true, timeZone: "UTC", days: ["MON", "MON"] } },
      ["autoShutdown.days: must list each working day once, at least one"],
    ],
    [
      "a misspelt day",
      { ...MINIMAL, autoShutdown: { enabled: true, timeZone: "UTC", days: ["Monday"] } },
      ["autoShutdown.days.0: must be one of MON, TUE, WED, THU, FRI, SAT, SUN"],
    ],
    [
      "a database started before midnight",
      {
        ...MINIMAL,
        autoShutdown: { enabled: true, timeZone: "UTC", wakeAt: "00:15", databaseLeadMinutes: 30 },
      },
      [
        "autoShutdown.databaseLeadMinutes: starts the database before midnight (wakeAt 00:15 minus 30 minutes); lower it",
      ],
    ],
    [
      "a spot discount of 100 %",
      { ...MINIMAL, usage: { spotDiscountPercent: 100 } },
      ["usage.spotDiscountPercent: must be a percentage from 0 to 95"],
    ],
    [
      "negative traffic",
      { ...MINIMAL, usage: { natProcessedGbPerMonth: -1 } },
      ["usage.natProcessedGbPerMonth: must be a number of GB, 0 or more"],
    ],
    ["an unknown field", { ...MINIMAL, usage: { natGb: 1 } }, ['usage: Unrecognized key: "natGb"']],
  ])("rejects %s", (_, value, messages) => {
    expect(schemaMessages(value)).toEqual(messages);
  });
});

describe("platform:cost in the stack files", () => {
  test("dev sleeps (its AutoShutdown tag says so); staging and production never do", () => {
    const dev = parseConfig(stackRaw("dev"), "platform", "dev");
    expect(dev.tags.AutoShutdown).toBe("true");
    expect(dev.cost.autoShutdown).toMatchObject({ enabled: true, timeZone: "America/Los_Angeles" });
    for (const stack of ["staging", "production"]) {
      const config = parseConfig(stackRaw(stack), "platform", stack);
      expect([stack, config.tags.AutoShutdown, config.cost.autoShutdown.enabled]).toEqual([
        stack,
        "false",
        false,
      ]);
    }
  });

  test("every stack has a budget with someone to alert; anomaly detection is on in production only", () => {
    const enabled = ["dev", "staging", "production"].map((stack) => {
      const config = parseConfig(stackRaw(stack), "platform", stack);
      expect(config.cost.budget.alertEmails.length).toBeGreaterThan(0);
      return config.cost.anomalyDetection.enabled;
    });
    expect(enabled).toEqual([false, false, true]);
  });

  test.each<[string, string, (r: Record<string, string>) => RawConfig, string[]]>([
    [
      "the AutoShutdown tag says true but nothing sleeps",
      "dev",
      (r) => withJson(r, "platform:cost", (c) => (c.autoShutdown = { enabled: false })),
      [
        "platform:cost.autoShutdown.enabled: the AutoShutdown tag is 'true' but nothing would shut the stack down: set enabled: true with a timeZone, or the tag to 'false'",
      ],
    ],
    [
      "the schedule is on but the tag says false",
      "dev",
      (r) => withJson(r, "platform:tags", (t) => (t.AutoShutdown = "false")),
      [
        "platform:tags.AutoShutdown: platform:cost.autoShutdown is enabled: set this tag to 'true' so the resources say they sleep",
      ],
    ],
    [
      "a sleeping database with read replicas",
      "dev",
      (r) => withJson(r, "platform:data", (d) => ((d.postgres as Record<string, unknown>).readReplicas = 1)),
      [
        "platform:cost.autoShutdown.enabled: RDS cannot stop a database that has read replicas (platform:data.postgres.readReplicas is 1): set readReplicas to 0 or disable the schedule",
      ],
    ],
    [
      "production asked to sleep",
      "production",
      (r) =>
        withJson(
          withJson(r, "platform:cost", (c) => (c.autoShutdown = { enabled: true, timeZone: "UTC" })),
          "platform:tags",
          (t) => (t.AutoShutdown = "true"),
        ),
      [
        "platform:cost.autoShutdown.enabled: production never sleeps: set it to false",
        "platform:cost.autoShutdown.enabled: RDS cannot stop a database that has read replicas (platform:data.postgres.readReplicas is 2): set readReplicas to 0 or disable the schedule",
      ],
    ],
    [
      "no platform:cost at all",
      "staging",
      (r) => {
        const copy = { ...r };
        delete copy["platform:cost"];
        return copy;
      },
      ["platform:cost: is required; see docs/configuration.md for its fields"],
    ],
  ])("%s is refused", (_, stack, change, expected) => {
    expect(problemsOf(change(stackRaw(stack)), stack)).toEqual(expected);
  });
});
