/**
 * What judges a canary (docs/decisions/0150): Prometheus queries over exactly the canary's pods
 * (success rate, p95 latency, error rate), and the release checks (acceptance test, load) as hardened
 * Job specs. Pure: the queries are parsed by the official PromQL grammar in tests.
 *
 * The services' metrics contract (docs/runbooks/alerts.md#metrics-contract): `http_requests_total`
 * with a `status` label and the histogram `http_request_duration_seconds`, scraped by the
 * ServiceMonitor, which labels every series with its `namespace` and `pod`. Argo Rollouts names the
 * canary's pods `<rollout>-<pod-template-hash>-<suffix>`, so the hash selects them.
 */
import { RELEASE_CHECK_IMAGE, RELEASE_CHECK_RESOURCES, type CanaryRelease } from "./release-rules";

/** The AnalysisTemplate argument carrying the canary's pod-template hash. */
export const CANARY_HASH_ARG = "canary-hash";
/** Label value (`app.kubernetes.io/component`) of release-check pods; the network policies name it. */
export const RELEASE_CHECK_COMPONENT = "release-check";

/** Where the queries look: the service's namespace and Rollout name. */
export interface AnalysisTarget {
  readonly namespace: string;
  readonly rollout: string;
}

/** Series selector of the canary's pods; `{{args.canary-hash}}` is filled in by Argo Rollouts. */
export function canarySelector(t: AnalysisTarget, extra = ""): string {
  return `namespace="${t.namespace}", pod=~"${t.rollout}-{{args.${CANARY_HASH_ARG}}}-[a-z0-9]+"${extra}`;
}

/** Inconclusive measurements (no traffic reached the canary) tolerated before the rollout pauses. */
export const INCONCLUSIVE_LIMIT = 2;

/** Rate window: two analysis intervals, so each measurement sees several scrapes. */
export function rateWindow(release: Pick<CanaryRelease, "analysisIntervalSeconds">): string {
  return `${2 * release.analysisIntervalSeconds}s`;
}

/** The three queries, by metric name. Each returns one sample, or none when the canary had no traffic. */
export function analysisQueries(t: AnalysisTarget, release: CanaryRelease): Record<string, string> {
  const w = rateWindow(release);
  const total = `sum(rate(http_requests_total{${canarySelector(t)}}[${w}]))`;
  return {
    // A numerator with no series (no 2xx, or no 5xx: the usual case) is 0, not "no data"; only a
    // canary without any traffic gives no sample (the denominator), hence Inconclusive.
    "success-rate": `(sum(rate(http_requests_total{${canarySelector(t, ', status=~"[23].."')}}[${w}])) or on() vector(0)) / ${total}`,
    "latency-p95": `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${canarySelector(t)}}[${w}])))`,
    "error-rate": `(sum(rate(http_requests_total{${canarySelector(t, ', status=~"5.."')}}[${w}])) or on() vector(0)) / ${total}`,
  };
}

/**
 * Conditions of each metric. Both a success and a failure condition: a measurement with no sample
 * (no traffic reached the canary) or NaN is neither, so it is Inconclusive and the rollout pauses
 * for a person rather than promoting an unjudged version.
 */
function conditions(
  name: string,
  release: CanaryRelease,
): { successCondition: string; failureCondition: string } {
  const has = "len(result) > 0";
  switch (name) {
    case "success-rate":
      return {
        successCondition: `${has} && result[0] >= ${release.successRate}`,
        failureCondition: `${has} && result[0] < ${release.successRate}`,
      };
    case "latency-p95": {
      const seconds = release.latencyP95Ms / 1000;
      return {
        successCondition: `${has} && result[0] <= ${seconds}`,
        failureCondition: `${has} && result[0] > ${seconds}`,
      };
    }
    default:
      return {
        successCondition: `${has} && result[0] <= ${release.errorRate}`,
        failureCondition: `${has} && result[0] > ${release.errorRate}`,
      };
  }
}

/** The spec of the background analysis (runs from the first traffic shift to promotion). */
export function analysisTemplateSpec(
  t: AnalysisTarget,
  release: CanaryRelease,
  prometheusAddress: string,
  load: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const metrics: Record<string, unknown>[] = Object.entries(analysisQueries(t, release)).map(
    ([name, query]) => ({
      name,
      interval: `${release.analysisIntervalSeconds}s`,
      // The first measurement waits for the canary's pods to serve a rate window of traffic.
      initialDelay: rateWindow(release),
      failureLimit: release.failureLimit,
      // A quiet moment does not pause the release at once; three in a row do (Argo's default is 0).
      inconclusiveLimit: INCONCLUSIVE_LIMIT,
      ...conditions(name, release),
      provider: { prometheus: { address: prometheusAddress, query, timeout: 30 } },
    }),
  );
  if (load) {
    // Runs once, beside the measurements; a load generator that fails counts as a failed check.
    metrics.push({ name: "load", failureLimit: 0, provider: { job: load } });
  }
  return { args: [{ name: CANARY_HASH_ARG }], metrics };
}

/** The spec of the acceptance analysis (one Job, before any traffic shifts; its failure aborts). */
export function acceptanceTemplateSpec(acceptance: Record<string, unknown>): Record<string, unknown> {
  return { metrics: [{ name: "acceptance", failureLimit: 0, provider: { job: acceptance } }] };
}

/** What a release-check Job runs as and where. */
export interface CheckPod {
  /** Labels of the Job's pods (the network policies select them). */
  readonly labels: Readonly<Record<string, string>>;
  /** UID and GID of the container. */
  readonly uid: number;
  readonly serviceAccountName: string;
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  /** `http://<service>-canary.<namespace>.svc.cluster.local:<port>`. */
  readonly canaryUrl: string;
}

/** The default acceptance test: the canary Service answers the readiness path (retried while pods start). */
export function defaultAcceptance(readinessPath: string): { image: string; command: string[] } {
  return {
    image: RELEASE_CHECK_IMAGE,
    command: [
      "curl",
      "--fail",
      "--silent",
      "--show-error",
      "--max-time",
      "5",
      "--retry",
      "10",
      "--retry-all-errors",
      "--retry-delay",
      "3",
      `$(CANARY_URL)${readinessPath}`,
    ],
  };
}

/**
 * A release check as the Job metric provider takes it: Pod Security `restricted`, read-only root,
 * no capabilities, no API token, bounded resources and run time, never retried (a failed check fails).
 */
export function checkJob(
  name: string,
  check: { readonly image: string; readonly command: readonly string[] },
  pod: CheckPod,
  activeDeadlineSeconds: number,
): Record<string, unknown> {
  return {
    metadata: { labels: { ...pod.labels } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { ...pod.labels } },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: pod.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(pod.nodeSelector ? { nodeSelector: { ...pod.nodeSelector } } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: pod.uid,
            runAsGroup: pod.uid,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name,
              image: check.image,
              imagePullPolicy: "IfNotPresent",
              command: [...check.command],
              env: [{ name: "CANARY_URL", value: pod.canaryUrl }],
              resources: {
                requests: { ...RELEASE_CHECK_RESOURCES.requests },
                limits: { ...RELEASE_CHECK_RESOURCES.limits },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}
