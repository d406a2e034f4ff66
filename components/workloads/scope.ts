/**
 * What every step of a {@link PlatformService} works from: the component (parent of every child),
 * its name (prefix of every child's name), the service's name and labels, its arguments with the
 * conventions resolved, and, once the namespace exists, the metadata of its objects.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resolveConventions, type ResolvedConventions } from "./conventions";
import { DEFAULT_PROBES } from "./declaration";
import { metricsPort } from "./observability";
import type { PlatformServiceArgs } from "./service-args";

/** The service before its namespace exists. */
export interface ServiceBase {
  /** The component's name: every child is named `${name}-<what>`. */
  readonly name: string;
  /** The service's name: it names the namespace, ServiceAccount, Deployment and Service. */
  readonly service: string;
  readonly args: PlatformServiceArgs;
  readonly conventions: ResolvedConventions;
  /** Pod selector: `app.kubernetes.io/name=<service>`. */
  readonly selector: Readonly<Record<string, string>>;
  /** Labels of every object: the selector plus part-of and managed-by. */
  readonly labels: Readonly<Record<string, string>>;
  /** Health endpoints with their defaults (startup falls back to liveness). */
  readonly probes: { readonly liveness: string; readonly readiness: string; readonly startup: string };
  /** Options of every child: the component is their parent. */
  readonly child: { readonly parent: pulumi.Resource };
}

/** The service inside its namespace. */
export interface ServiceScope extends ServiceBase {
  /** The namespace's name, from the Namespace object (children wait for it). */
  readonly namespace: pulumi.Output<string>;
  /** Metadata of an object in the service's namespace, carrying the service's labels. */
  meta(objectName: string): {
    name: string;
    namespace: pulumi.Output<string>;
    labels: Readonly<Record<string, string>>;
  };
}

/** The names, labels and resolved arguments of the service the component `parent` builds. */
export function describeService(
  name: string,
  args: PlatformServiceArgs,
  parent: pulumi.Resource,
): ServiceBase {
  const selector = { "app.kubernetes.io/name": args.name };
  return {
    name,
    service: args.name,
    // A service that declares no metrics port gets the platform's (9090) unless http already uses it.
    args: { ...args, ports: { ...args.ports, metrics: metricsPort(args.ports) } },
    conventions: resolveConventions(args),
    selector,
    labels: {
      ...selector,
      "app.kubernetes.io/part-of": "platform",
      "app.kubernetes.io/managed-by": "pulumi",
    },
    probes: {
      liveness: args.probes?.liveness ?? DEFAULT_PROBES.liveness,
      readiness: args.probes?.readiness ?? DEFAULT_PROBES.readiness,
      startup: args.probes?.startup ?? args.probes?.liveness ?? DEFAULT_PROBES.liveness,
    },
    child: { parent },
  };
}

/** The service placed in `namespace` (the Namespace object's name output). */
export function inNamespace(base: ServiceBase, namespace: pulumi.Output<string>): ServiceScope {
  return {
    ...base,
    namespace,
    meta: (objectName) => ({ name: objectName, namespace, labels: base.labels }),
  };
}
