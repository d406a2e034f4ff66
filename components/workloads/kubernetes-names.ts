/**
 * Shapes of Kubernetes names the workload components check their arguments against (the API
 * server's own rules, so a bad value fails before any resource is registered).
 */

/** RFC 1123 label: a namespace name. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain: names of most objects (IngressClass, ClusterIssuer, ...). */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Label value: empty or at most 63 alphanumerics, '-', '_' and '.', alphanumeric at both ends. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** True when every key and value of `labels` is a valid label key and value. */
export function validLabels(labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(labels).every(([key, value]) => LABEL_KEY.test(key) && LABEL_VALUE.test(value));
}
