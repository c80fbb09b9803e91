// The signed protocol both the agent and the PWA speak (ARCHITECTURE §4, §6): its public surface.

export { CROCKFORD_ALPHABET, toCrockfordBase32 } from './base32.ts';
export { fromBase64, fromBase64url, toBase64, toBase64url } from './base64url.ts';
export { bytesEqual, concatBytes, utf8Encode } from './bytes.ts';
export type { HmacSha256, Sha256, SignBytes } from './crypto-port.ts';
export { contentDigestFor, parseContentDigest } from './digest.ts';
export { fingerprintFor } from './fingerprint.ts';
export { keyIdFor } from './keyid.ts';
export {
  AGENT_PROOF_CONTEXT,
  canonicalPairingCode,
  computeAgentProof,
  computePairingProof,
  formatPairingCode,
  PAIRING_PROOF_CONTEXT,
} from './pairing.ts';
export {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  MAX_FIELD_LENGTH,
  type Parameters,
  parseDictionary,
  StructuredFieldError,
  Token,
} from './sfv.ts';
export {
  serializeBareItem,
  serializeDictionary,
  serializeInnerList,
  serializeItem,
  serializeParameters,
} from './sfv-serialize.ts';
export {
  type ComponentValue,
  DIGEST_COMPONENT,
  NONCE_PATTERN,
  type ParsedSignature,
  parseSignatureHeaders,
  REQUIRED_COMPONENTS,
  type RequestParts,
  requestComponents,
  SIGNATURE_ALG,
  SIGNATURE_LABEL,
  SIGNATURE_TAG,
  type SignRequestOptions,
  serializeSignatureParams,
  signatureBase,
  signRequest,
} from './signature.ts';
