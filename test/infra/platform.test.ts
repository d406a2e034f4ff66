/**
 * The wiring of infra/platform.ts where it is more than passing values through: the system nodes'
 * taint has one source (the system node group), so the components infra places on system nodes
 * tolerate whatever taint that group carries (decision 0071).
 */
import { PROJECT_DIR } from "../../tools/offline/preview-stack";
import { readStackFiles } from "../../tools/offline/stack-files";
import { byName, json, runProgram, type OfflineRun } from "../support/offline";

const RELEASE = "kubernetes:helm.sh/v3:Release";
/** Not a value the stack files may use today (checkCluster admits CriticalAddonsOnly only): set after validation. */
const DEDICATED = { key: "dedicated", value: "platform", effect: "NoSchedule" } as const;
const TOLERATION = [{ key: "dedicated", operator: "Equal", value: "platform", effect: "NoSchedule" }];

describe("createPlatform on the dev stack with another system taint", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    const files = readStackFiles(PROJECT_DIR, "dev");
    run = await runProgram(
      async () => {
        const { parseConfig } = await import("../../infra/config");
        const { createPlatform } = await import("../../infra/platform");
        const config = parseConfig(files.config, files.project, "dev");
        const system = config.cluster.nodeGroups.system;
        const nodeGroups = { ...config.cluster.nodeGroups, system: { ...system, taints: [DEDICATED] } };
        return createPlatform({ ...config, cluster: { ...config.cluster, nodeGroups } });
      },
      { stack: "dev", config: files.config, secretKeys: files.secretKeys },
    );
  });

  test("the system nodes carry it, and the cluster's own add-ons tolerate it", () => {
    expect(byName(run, "aws:eks/nodeGroup:NodeGroup", "platform-system").inputs.taints).toEqual([
      { key: "dedicated", value: "platform", effect: "NO_SCHEDULE" },
    ]);
    const coredns = json<{ tolerations: unknown }>(
      byName(run, "aws:eks/addon:Addon", "platform-coredns").inputs.configurationValues,
    );
    expect(coredns.tolerations).toEqual(TOLERATION);
  });

  test("cert-manager and Vault, placed by infra, tolerate exactly it on the system nodes", () => {
    const certManager = byName(run, RELEASE, "cert-manager-release").inputs.values as {
      nodeSelector: unknown;
      tolerations: unknown;
      webhook: { tolerations: unknown };
    };
    expect(certManager.nodeSelector).toEqual({ workload: "system" });
    expect(certManager.tolerations).toEqual(TOLERATION);
    expect(certManager.webhook.tolerations).toEqual(TOLERATION);
    const vault = byName(run, RELEASE, "vault-release").inputs.values as {
      server: { nodeSelector: unknown; tolerations: unknown };
      injector: { tolerations: unknown };
    };
    expect(vault.server.nodeSelector).toEqual({ workload: "system" });
    expect(vault.server.tolerations).toEqual(TOLERATION);
    expect(vault.injector.tolerations).toEqual(TOLERATION);
  });
});
