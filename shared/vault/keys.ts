/**
 * The key layout of the signed PVs, alone: the function declarations and the stack name these
 * prefixes, and a module that only needs them does not load the S3 client with the vault
 * (shared/vault/vault.ts).
 */
export const PV_PREFIX = 'pv/';
export const QUARANTINE_PREFIX = 'quarantine/';

/** Object key of an upload: the intake reads the session and the declared SHA-256 from it. */
export const pvObjectKey = (sessionId: string, sha256Hex: string): string => `${PV_PREFIX}${sessionId}/${sha256Hex}.pdf`;

const keyPattern = /^pv\/(ses_[A-Za-z0-9_-]+)\/([0-9a-f]{64})\.pdf$/;

/** The session and declared SHA-256 of a PV object key, or undefined for a key the vault never signed. */
export const parsePvObjectKey = (key: string): { sessionId: string; sha256Hex: string } | undefined => {
  const match = keyPattern.exec(key);
  return match?.[1] && match[2] ? { sessionId: match[1], sha256Hex: match[2] } : undefined;
};

/**
 * s3rver (offline) keeps no versions: the intake then records `etag:<ETag>` as the version id, a
 * stand-in that still names the exact bytes stored. In AWS the bucket is versioned and the real
 * VersionId is recorded.
 */
export const ETAG_VERSION_PREFIX = 'etag:';

/** The largest PV file accepted, by the upload link and again by the intake. */
export const DEFAULT_PV_MAX_BYTES = 20 * 1024 * 1024;

/** The `x-amz-checksum-sha256` value (base64) of a SHA-256 given in hex. */
export const sha256Base64 = (sha256Hex: string): string => Buffer.from(sha256Hex, 'hex').toString('base64');
