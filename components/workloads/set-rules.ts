/**
 * Rules across the services of one stack (unique names and hosts, dependencies that exist) and the
 * wiring computed once for all of them (who calls whom). Pure.
 */
import { DATA_DEPENDENCIES, type ServiceDeclaration, type SpecProblem } from "./declaration";

/** A problem that belongs to one service of a set (by position in the list). */
export interface SetProblem extends SpecProblem {
  readonly index: number;
}

/**
 * Rules across services: unique names, dependencies that exist, no self-dependency, unique hosts.
 * Linear in the number of services and dependencies.
 */
export function setProblems(
  decls: readonly Pick<ServiceDeclaration, "name" | "dependsOn" | "expose">[],
): SetProblem[] {
  const p: SetProblem[] = [];
  const firstIndex = new Map<string, number>();
  const hosts = new Map<string, string>();
  decls.forEach((d, index) => {
    const first = firstIndex.get(d.name);
    if (first !== undefined) {
      p.push({
        index,
        path: "name",
        received: d.name,
        message: `duplicates the name of service ${first}; service names are unique`,
      });
    } else {
      firstIndex.set(d.name, index);
    }
    if (d.expose) {
      const owner = hosts.get(d.expose.host);
      if (owner !== undefined && owner !== d.name) {
        p.push({
          index,
          path: "expose.host",
          received: d.expose.host,
          message: `is already served by service '${owner}'; each host belongs to one service`,
        });
      } else {
        hosts.set(d.expose.host, d.name);
      }
    }
  });
  decls.forEach((d, index) => {
    for (const dep of d.dependsOn ?? []) {
      if (dep === d.name) {
        p.push({
          index,
          path: "dependsOn",
          received: dep,
          message: "names the service itself; list the other services and data stores it calls",
        });
      } else if (!DATA_DEPENDENCIES.includes(dep as never) && !firstIndex.has(dep)) {
        p.push({
          index,
          path: "dependsOn",
          received: dep,
          message: `names '${dep}', which is neither ${DATA_DEPENDENCIES.join(" nor ")} nor a declared service`,
        });
      }
    }
  });
  return p;
}

/**
 * For each service, the services that call it (declared `dependsOn` it). One pass over every
 * dependency: O(services + dependencies).
 */
export function callersByService(
  decls: readonly Pick<ServiceDeclaration, "name" | "dependsOn">[],
): Map<string, string[]> {
  const callers = new Map<string, string[]>(decls.map((d) => [d.name, []]));
  for (const d of decls) {
    for (const dep of d.dependsOn ?? []) {
      if (dep !== d.name) {
        callers.get(dep)?.push(d.name);
      }
    }
  }
  return callers;
}
