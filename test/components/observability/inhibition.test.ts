/**
 * Alertmanager's inhibition evaluated over the generated rules: for every stepped family (alerts
 * carrying `alertgroup`), a firing higher step silences each lower step about the same target and
 * nothing about another target or another family. The evaluator follows Alertmanager's semantics
 * (matchers `=`, `!=`, `=~`, `!~` with anchored regexes; `equal` labels missing on both count as
 * equal), so a rule that names the wrong labels, or a step without `alertgroup`, fails here.
 */
import {
  alertmanagerConfig,
  steppedInhibitRules,
} from "../../../components/observability/alertmanager-config";
import {
  type AlertRule,
  isAlert,
  platformRuleGroups,
  STEPPED_FAMILIES,
} from "../../../components/observability/rules";

type Labels = Record<string, string>;
interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

const SCOPE = { vaultNamespace: "vault", vaultContainer: "vault", serviceTargetLabel: "platform_service" };
const alerts = platformRuleGroups("https://x/", SCOPE)
  .flatMap((g) => g.rules)
  .filter(isAlert);
const config = alertmanagerConfig({
  region: "us-west-2",
  criticalTopicArn: "arn:crit",
  warningTopicArn: "arn:warn",
  heartbeatTopicArn: "arn:beat",
  webhooks: [],
}) as { inhibit_rules: InhibitRule[] };

/** One Alertmanager matcher (`name op "value"`) against a label set. */
function matches(matcher: string, labels: Labels): boolean {
  const m = /^\s*(\w+)\s*(=~|!~|!=|=)\s*"(.*)"\s*$/.exec(matcher);
  if (!m) {
    throw new Error(`not a matcher: ${matcher}`);
  }
  const [, name, op, value] = m;
  const v = labels[name] ?? "";
  const re = new RegExp(`^(?:${value})$`);
  return { "=": v === value, "!=": v !== value, "=~": re.test(v), "!~": !re.test(v) }[op]!;
}

/** True when some firing alert inhibits `target` under `rules` (Alertmanager's inhibitor). */
function inhibited(target: Labels, firing: Labels[], rules: InhibitRule[]): boolean {
  return rules.some(
    (r) =>
      r.target_matchers.every((m) => matches(m, target)) &&
      firing.some(
        (source) =>
          source !== target &&
          r.source_matchers.every((m) => matches(m, source)) &&
          r.equal.every((l) => (source[l] ?? "") === (target[l] ?? "")),
      ),
  );
}

/** The labels an alert of a rule carries for one target (its family's identifying labels). */
const firing = (rule: AlertRule, target: Labels): Labels => ({
  alertname: rule.alert,
  ...rule.labels,
  ...target,
});
const RANK = { emergency: 0, critical: 1, high: 2, warning: 3 } as const;
const targetOf = (family: string, suffix: string): Labels =>
  Object.fromEntries(
    STEPPED_FAMILIES[family as keyof typeof STEPPED_FAMILIES].map((l) => [l, `${l}-${suffix}`]),
  );

test("the evaluator can fail: the old rule (equal on alertname) inhibits no step of a family", () => {
  const old: InhibitRule = {
    source_matchers: ['severity =~ "critical|emergency"'],
    target_matchers: ['severity =~ "warning|high"'],
    equal: ["alertname", "namespace", "service"],
  };
  const t = targetOf("ResponseTime", "a");
  const warning = firing(
    alerts.find((a) => a.alert === "ResponseTimeWarning")!,
    t,
  );
  const critical = firing(
    alerts.find((a) => a.alert === "ResponseTimeCritical")!,
    t,
  );
  expect(inhibited(warning, [warning, critical], [old])).toBe(false);
  expect(inhibited(warning, [warning, critical], config.inhibit_rules)).toBe(true);
});

test("the stepped families are exactly the alerts carrying alertgroup, each with more than one step", () => {
  const families = new Map<string, string[]>();
  for (const a of alerts.filter((x) => x.labels.alertgroup)) {
    families.set(a.labels.alertgroup!, [...(families.get(a.labels.alertgroup!) ?? []), a.alert]);
  }
  expect(Object.fromEntries(families)).toEqual({
    ResponseTime: ["ResponseTimeWarning", "ResponseTimeCritical"],
    ContainerMemory: [
      "ContainerMemoryWarning",
      "ContainerMemoryHigh",
      "ContainerMemoryCritical",
      "ContainerMemoryEmergency",
    ],
    ErrorBudgetBurn: ["ErrorBudgetBurnFast", "ErrorBudgetBurnSlow"],
  });
  expect([...families.keys()].sort()).toEqual(Object.keys(STEPPED_FAMILIES).sort());
  // Names that differ only by a step word are a family: each must carry one alertgroup, or it
  // would escape inhibition.
  const stem = (name: string) => name.replace(/(Warning|High|Critical|Emergency|Fast|Slow)$/, "");
  const byStem = new Map<string, AlertRule[]>();
  for (const a of alerts) {
    byStem.set(stem(a.alert), [...(byStem.get(stem(a.alert)) ?? []), a]);
  }
  const unlabelled = [...byStem.values()]
    .filter((family) => family.length > 1)
    .filter(
      (family) => new Set(family.map((a) => a.labels.alertgroup)).size !== 1 || !family[0].labels.alertgroup,
    )
    .map((family) => family.map((a) => a.alert));
  expect(unlabelled).toEqual([]);
  expect(config.inhibit_rules).toEqual(expect.arrayContaining(steppedInhibitRules()));
});

describe.each(Object.keys(STEPPED_FAMILIES))("family %s", (family) => {
  const steps = alerts
    .filter((a) => a.labels.alertgroup === family)
    .sort((a, b) => RANK[a.labels.severity] - RANK[b.labels.severity]);
  const pairs = steps.flatMap((high, i) => steps.slice(i + 1).map((low) => [high, low] as const));

  test.each(pairs.map(([h, l]) => [h.alert, l.alert, h, l] as const))(
    "%s silences %s about the same target only",
    (_h, _l, high, low) => {
      const same = targetOf(family, "a");
      const lowAlert = firing(low, same);
      expect(inhibited(lowAlert, [lowAlert, firing(high, same)], config.inhibit_rules)).toBe(true);
      // Another target (every identifying label differs in turn) is not silenced.
      for (const label of STEPPED_FAMILIES[family as keyof typeof STEPPED_FAMILIES]) {
        const other = firing(high, { ...same, [label]: "other" });
        expect([label, inhibited(lowAlert, [lowAlert, other], config.inhibit_rules)]).toEqual([label, false]);
      }
    },
  );

  test("a lower step never silences a higher one", () => {
    const same = targetOf(family, "a");
    for (const [high, low] of pairs) {
      const highAlert = firing(high, same);
      expect(inhibited(highAlert, [highAlert, firing(low, same)], config.inhibit_rules)).toBe(false);
    }
  });
});

test("a family's alert does not silence another family's about the same namespace", () => {
  const memory = firing(
    alerts.find((a) => a.alert === "ContainerMemoryEmergency")!,
    targetOf("ContainerMemory", "a"),
  );
  const slow = firing(
    alerts.find((a) => a.alert === "ErrorBudgetBurnSlow")!,
    {
      namespace: memory.namespace,
      service: "service-a",
    },
  );
  const cpu = firing(
    alerts.find((a) => a.alert === "ContainerCpuHigh")!,
    targetOf("ContainerMemory", "a"),
  );
  expect(inhibited(slow, [slow, memory], config.inhibit_rules)).toBe(false);
  expect(inhibited(cpu, [cpu, memory], config.inhibit_rules)).toBe(false);
});
