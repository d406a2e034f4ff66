import { byName, ofType, runProgram } from "../../support/offline";
import { certManagerHelmValues, validateCertManagerArgs } from "../../../components/secrets/cert-manager";

/** Recorded JSON (objects and arrays), walked by key in assertions. */
interface Tree extends Iterable<Tree> {
  readonly [key: string]: Tree;
}

describe("CertManager", () => {
  test("installs the pinned chart with its CRDs into a restricted namespace through the caller's provider", async () => {
    const run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { CertManager } = await import("../../../components/secrets/cert-manager");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      new CertManager("cm", { chartVersion: "v1.18.2" }, { provider });
    });
    expect(ofType(run, "kubernetes:helm.sh/v3:Release")).toHaveLength(1);
    const release = byName(run, "kubernetes:helm.sh/v3:Release", "cm-release");
    expect(release.inputs).toMatchObject({
      chart: "cert-manager",
      version: "v1.18.2",
      namespace: "cert-manager",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      values: { crds: { enabled: true, keep: true }, replicaCount: 2 },
    });
    expect(release.provider).toMatch(/::pulumi:providers:kubernetes::k8s::/);
    expect(
      (byName(run, "kubernetes:core/v1:Namespace", "cm-namespace").inputs as unknown as Tree).metadata.labels,
    ).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });

  test("installs into the namespace it is given", async () => {
    const run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { CertManager } = await import("../../../components/secrets/cert-manager");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      new CertManager("cm", { chartVersion: "v1.18.2", namespace: "pki" }, { provider });
    });
    expect(
      (byName(run, "kubernetes:core/v1:Namespace", "cm-namespace").inputs as unknown as Tree).metadata.name,
    ).toBe("pki");
    expect(byName(run, "kubernetes:helm.sh/v3:Release", "cm-release").inputs.namespace).toBe("pki");
  });

  test("every cert-manager pod runs restricted", () => {
    const v = certManagerHelmValues({ chartVersion: "v1.18.2", replicas: 1 }) as Tree;
    for (const part of [v, v.webhook, v.cainjector, v.startupapicheck]) {
      expect(part.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(part.containerSecurityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
    expect(v.podDisruptionBudget).toEqual({ enabled: false, maxUnavailable: 1 });
  });

  test.each([
    [{ chartVersion: "1.18" }, ["chartVersion '1.18' must be an exact chart version like v1.18.2"]],
    [{ chartVersion: "v1.18.2", replicas: 0 }, ["replicas 0 must be an integer of at least 1"]],
    [
      { chartVersion: "v1.18.2", namespace: "Cert-Manager" },
      [
        "namespace 'Cert-Manager' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)",
      ],
    ],
  ])("rejects %j", (args, expected) => {
    expect(validateCertManagerArgs(args)).toEqual(expected);
  });
});
