/**
 * The timing a terminating pod of a service follows, shared by the Deployment (preStop, grace
 * period), the ALB (deregistration delay) and the Vault agent (when it revokes its leases): the load
 * balancer stops routing first, in-flight requests finish, then credentials go.
 */

/** Seconds the preStop hook waits so the ALB and kube-proxy stop routing before the process gets SIGTERM. */
export const PRE_STOP_SECONDS = 15;
/** Time a terminating pod gets: the preStop delay plus 30 s for in-flight requests, plus margin. */
export const TERMINATION_GRACE_SECONDS = 60;
/** ALB target deregistration delay, shorter than the time left after preStop. */
export const DEREGISTRATION_DELAY_SECONDS = 30;
/**
 * Seconds the agent sidecar waits after termination starts before revoking its token (and with it the
 * database logins): the app's preStop delay plus 30 s for in-flight requests, inside the grace period.
 */
export const VAULT_REVOKE_GRACE_SECONDS = PRE_STOP_SECONDS + 30;
