/** `platform:observability`: field rules and the production rules, with exact messages. */
import { checkObservability, observabilitySchema } from "../../../infra/config/observability";
import { parse } from "yaml";
import { readFileSync } from "fs";
import { join } from "path";

const production = parse(readFileSync(join(__dirname, "..", "..", "..", "Pulumi.production.yaml"), "utf8"))
  .config["platform:observability"];
const valid = observabilitySchema.parse(production);

test("the production stack file is valid and passes the production rules", () => {
  expect(checkObservability(valid, "production")).toEqual([]);
  expect(valid.alertmanager.replicas).toBeGreaterThanOrEqual(2);
});

test("production needs HA Prometheus and Alertmanager and someone to page", () => {
  const lean = {
    ...valid,
    prometheus: { ...valid.prometheus, replicas: 1 },
    alertmanager: { ...valid.alertmanager, replicas: 1 },
    subscriptions: valid.subscriptions.filter((s) => s.topic !== "critical"),
  };
  expect(checkObservability(lean, "production").map((p) => [p.key, p.message])).toEqual([
    [
      "platform:observability.alertmanager.replicas",
      "production runs at least 2 Alertmanager replicas (they gossip, so one loss drops no alert)",
    ],
    [
      "platform:observability.prometheus.replicas",
      "production runs at least 2 Prometheus replicas (both scrape and evaluate every rule)",
    ],
    [
      "platform:observability.subscriptions",
      "production needs a subscription (or webhook) for critical alerts: an alarm must page someone",
    ],
  ]);
  expect(checkObservability(lean, "dev")).toEqual([]);
});

test("webhook names may not repeat or take a built-in receiver's name", () => {
  const hooks = {
    ...valid,
    webhooks: [{ name: "critical", severity: "critical" as const, url: "https://x/y" }],
  };
  expect(checkObservability(hooks, "dev").map((p) => p.message)).toEqual([
    "names must be unique and not critical, warning or null (the SNS and default receivers)",
  ]);
});

test.each([
  ["scrapeInterval", "15 seconds", "must be a Prometheus duration like 15s, 5m or 15d"],
  ["logRetentionDays", 10, "must be one of CloudWatch Logs' retention periods"],
  ["runbookBaseUrl", "http://x/", "must be an https:// URL ending in '/'"],
  ["nodeAgentsNamespace", "Node_Agents", "must be a namespace name: lowercase letters, digits and '-'"],
])("%s = %j is refused", (field, value, message) => {
  const result = observabilitySchema.safeParse({ ...production, [field]: value });
  expect(result.success).toBe(false);
  expect(result.error!.issues[0].message).toContain(message);
});
