// The Hono environment every route and middleware of the agent shares: what earlier middleware
// sets on the context for later handlers.
export type AppVariables = {
  /** The paired device a verified signature named (requireSignature). */
  deviceId: string;
  /** The request's body bytes, read once within its cap (requestLimits); null when none. */
  body: Uint8Array | null;
  /** The authority the request was addressed to, as hostGuard chose it. */
  authority: string;
};

export type AppEnv = { Variables: AppVariables };
