// The crypto shared/ needs, as injected functions: WebCrypto in the PWA, node:crypto in the agent.
// Inputs are typed as ArrayBuffer-backed so a WebCrypto implementation can pass them straight to
// crypto.subtle (its BufferSource refuses SharedArrayBuffer views); node:crypto takes them as is.

/** Sha256 hashes bytes with SHA-256 (32-byte result). */
export type Sha256 = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/** HmacSha256 computes HMAC-SHA256 of data under key (32-byte result). */
export type HmacSha256 = (
  key: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
) => Promise<Uint8Array>;

/** SignBytes signs bytes with the caller's Ed25519 private key (64-byte result). */
export type SignBytes = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
