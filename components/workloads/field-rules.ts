/**
 * Rules on single fields of a service declaration (formats and ranges): each returns a message, or
 * undefined when the value is fine. The config schema (`infra/config/services.ts`) applies them field
 * by field; {@link fieldProblems} runs them all for the component. Pure.
 */
import { cpuProblem, memoryProblem } from "../shared/quantity";
import {
  KUBERNETES_READABLE,
  RESERVED_NAMES,
  type RuleOptions,
  type ServiceDeclaration,
  type SpecProblem,
} from "./declaration";
import { databaseRoleProblem, vaultFileProblem, vaultPathProblem } from "./vault-rules";

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IMAGE_NAME = /^[a-z0-9]+([._-]+[a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
/** Config keys that look like credentials: those belong in secretEnv. */
const CREDENTIAL_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;

/**
 * Why `name` cannot name a service (and so its namespace), or undefined when it can.
 * @param reserved Names taken by the cluster and the platform. @default RESERVED_NAMES
 */
export function serviceNameProblem(
  name: string,
  reserved: readonly string[] = RESERVED_NAMES,
): string | undefined {
  if (!DNS_LABEL.test(name)) {
    return "must be a DNS label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters (it names the namespace and the Service)";
  }
  if (name.startsWith("kube-") || reserved.includes(name)) {
    return `is reserved for a cluster or platform namespace (${reserved.join(", ")}, kube-*); choose another name`;
  }
  return undefined;
}

export function imageProblem(image: string): string | undefined {
  const at = image.indexOf("@");
  const reference = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const tagAt = reference.indexOf(":", reference.lastIndexOf("/") + 1);
  const repository = tagAt >= 0 ? reference.slice(0, tagAt) : reference;
  const tag = tagAt >= 0 ? reference.slice(tagAt + 1) : undefined;
  if (!IMAGE_NAME.test(repository) || (tag !== undefined && !IMAGE_TAG.test(tag))) {
    return "must be an image reference like registry/repository:1.2.3 or registry/repository@sha256:<64 hex digits>";
  }
  if (digest !== undefined) {
    return DIGEST.test(digest)
      ? undefined
      : "has a malformed digest; use @sha256: followed by 64 lowercase hex digits";
  }
  if (tag === undefined) {
    return "is not pinned: add a version tag (repository:1.2.3) or a digest (repository@sha256:...)";
  }
  if (tag.toLowerCase() === "latest") {
    return "uses the 'latest' tag, which moves under you: pin a version tag or a digest";
  }
  return undefined;
}

export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1024 && port <= 65535
    ? undefined
    : "must be an integer from 1024 to 65535 (containers run as non-root with every capability dropped, so they cannot bind ports below 1024)";
}

export function probePathProblem(path: string): string | undefined {
  return HTTP_PATH.test(path) ? undefined : "must be an HTTP path starting with '/', e.g. /health";
}

export function runAsUserProblem(uid: number): string | undefined {
  return Number.isInteger(uid) && uid >= 1000 && uid <= 2147483647
    ? undefined
    : "must be an integer UID from 1000 to 2147483647 (non-root, clear of system accounts)";
}

export function envNameProblem(name: string): string | undefined {
  return ENV_NAME.test(name)
    ? undefined
    : "must be an environment variable name: letters, digits and '_', not starting with a digit";
}

export function credentialKeyProblem(name: string): string | undefined {
  return CREDENTIAL_LIKE.test(name)
    ? "looks like a credential; config is plain text: deliver it through secretEnv (a Secret reference)"
    : undefined;
}

export function configKeyProblem(name: string): string | undefined {
  return envNameProblem(name) ?? credentialKeyProblem(name);
}

export function secretNameProblem(name: string): string | undefined {
  return DNS_SUBDOMAIN.test(name)
    ? undefined
    : "must be a Secret name (DNS subdomain: lowercase letters, digits, '-' and '.')";
}

export function secretKeyProblem(key: string): string | undefined {
  return SECRET_KEY.test(key) ? undefined : "must be a Secret key: letters, digits, '-', '_' and '.'";
}

export function kubernetesResourceProblem(resource: string): string | undefined {
  return Object.hasOwn(KUBERNETES_READABLE, resource)
    ? undefined
    : `is not readable by services; choose from ${Object.keys(KUBERNETES_READABLE).join(", ")}`;
}

export function hostProblem(host: string): string | undefined {
  return DNS_SUBDOMAIN.test(host) && host.includes(".")
    ? undefined
    : "must be a fully qualified host name like api.example.com";
}

export function certificateArnProblem(arn: string): string | undefined {
  return ACM_ARN.test(arn)
    ? undefined
    : "must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>";
}

function push(problems: SpecProblem[], path: string, received: unknown, message: string | undefined): void {
  if (message !== undefined) {
    problems.push({ path, received, message });
  }
}

/**
 * Rules on single fields (formats and ranges). The config schema applies the same functions field by
 * field; the component runs them all through here.
 */
export function fieldProblems(decl: ServiceDeclaration, options: RuleOptions = {}): SpecProblem[] {
  const p: SpecProblem[] = [];
  push(p, "name", decl.name, serviceNameProblem(decl.name, options.reservedNamespaces));
  push(p, "image", decl.image, imageProblem(decl.image));
  push(p, "ports.http", decl.ports.http, portProblem(decl.ports.http));
  if (decl.ports.metrics !== undefined) {
    push(p, "ports.metrics", decl.ports.metrics, portProblem(decl.ports.metrics));
  }
  if (!Number.isInteger(decl.replicas) || decl.replicas < 1) {
    p.push({ path: "replicas", received: decl.replicas, message: "must be an integer of at least 1" });
  }
  for (const kind of ["requests", "limits"] as const) {
    push(p, `resources.${kind}.cpu`, decl.resources[kind].cpu, cpuProblem(decl.resources[kind].cpu));
    push(
      p,
      `resources.${kind}.memory`,
      decl.resources[kind].memory,
      memoryProblem(decl.resources[kind].memory),
    );
  }
  for (const probe of ["liveness", "readiness", "startup"] as const) {
    const path = decl.probes?.[probe];
    if (path !== undefined) {
      push(p, `probes.${probe}`, path, probePathProblem(path));
    }
  }
  if (decl.expose) {
    push(p, "expose.host", decl.expose.host, hostProblem(decl.expose.host));
    if (decl.expose.certificateArn !== undefined) {
      push(
        p,
        "expose.certificateArn",
        decl.expose.certificateArn,
        certificateArnProblem(decl.expose.certificateArn),
      );
    }
  }
  decl.secretEnv?.forEach((e, i) => {
    push(p, `secretEnv[${i}].name`, e.name, envNameProblem(e.name));
    push(p, `secretEnv[${i}].secretName`, e.secretName, secretNameProblem(e.secretName));
    push(p, `secretEnv[${i}].key`, e.key, secretKeyProblem(e.key));
  });
  for (const key of Object.keys(decl.config ?? {})) {
    push(p, `config.${key}`, key, configKeyProblem(key));
  }
  if (decl.namespaceQuota) {
    push(p, "namespaceQuota.cpu", decl.namespaceQuota.cpu, cpuProblem(decl.namespaceQuota.cpu));
    push(p, "namespaceQuota.memory", decl.namespaceQuota.memory, memoryProblem(decl.namespaceQuota.memory));
  }
  if (decl.runAsUser !== undefined) {
    push(p, "runAsUser", decl.runAsUser, runAsUserProblem(decl.runAsUser));
  }
  if (decl.vault) {
    decl.vault.secrets.forEach((secret, i) => {
      push(p, `vault.secrets[${i}].file`, secret.file, vaultFileProblem(secret.file));
      push(p, `vault.secrets[${i}].path`, secret.path, vaultPathProblem(secret.path, options.kvMount));
    });
    if (decl.vault.databaseRole !== undefined) {
      push(p, "vault.databaseRole", decl.vault.databaseRole, databaseRoleProblem(decl.vault.databaseRole));
    }
  }
  decl.kubernetesApi?.readOnly.forEach((resource, i) => {
    push(p, `kubernetesApi.readOnly[${i}]`, resource, kubernetesResourceProblem(resource));
  });
  return p;
}
