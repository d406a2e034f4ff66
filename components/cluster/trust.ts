/** Trust policies of the cluster's service roles. */

/** A trust policy letting one AWS service principal (e.g. `eks.amazonaws.com`) assume the role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
