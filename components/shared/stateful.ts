/**
 * The protection pattern every component that holds state follows (keys, databases, caches,
 * volumes, Vault storage): one `protect` arg, restrictive by default, applied as the `protect`
 * resource option so `pulumi destroy` refuses to delete the resource until it is lifted on purpose.
 * The stacks set it from `platform:protectStatefulResources`.
 */
import * as pulumi from "@pulumi/pulumi";

/** Args shared by components that own stateful resources. */
export interface StatefulArgs {
  /**
   * Protect stateful children from deletion by `pulumi destroy` or a replacing change.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * Resource options for a stateful child: parented to the component and protected unless the
 * caller explicitly opted out.
 */
export function statefulOptions(
  parent: pulumi.Resource,
  protect: boolean | undefined,
  extra?: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions({ parent, protect: protect ?? true }, extra ?? {});
}
