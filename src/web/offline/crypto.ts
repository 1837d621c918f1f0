/**
 * Optional encryption of the offline store, keyed from the user's password
 * (docs/reliability.md, "Data on devices"). Only WebCrypto: it runs the same in the browser
 * and in Node's tests, and the key never leaves it (non-extractable).
 *
 * - Key: PBKDF2-HMAC-SHA-256 over the password with a random per-user salt (600,000
 *   iterations, OWASP 2023), then HKDF-SHA-256 bound to this purpose and this user, to a
 *   256-bit AES-GCM key. A new password means new parameters and a re-encrypted store.
 * - Each value: AES-256-GCM with a fresh random 96-bit IV and, as additional data, the
 *   record it belongs to — a ciphertext moved to another record does not open.
 * - A verifier (a sealed constant) tells a wrong password from a damaged store.
 *
 * Not wired into the store yet: the lead decides where (docs/reliability.md).
 */

export const KDF_ITERATIONS = 600_000;
const INFO = 'dream-ecrf offline store v1';
const VERIFIER_AAD = 'verifier';
const VERIFIER_TEXT = 'DREAM offline store key check';

/** How a user's key is derived; stored beside the encrypted data (nothing secret in it). */
export interface KeyParams {
  v: 1;
  /** Base64 of 16 random bytes. */
  salt: string;
  iterations: number;
}

/** One encrypted value. */
export interface Sealed {
  v: 1;
  /** Base64 of the 12-byte IV. */
  iv: string;
  /** Base64 of the ciphertext and its 16-byte tag. */
  ct: string;
}

/** A value that did not open: wrong key, changed ciphertext, or moved to another record. */
export class SealError extends Error {}

const utf8 = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Fresh parameters for a user's key (a new random salt). */
export function newKeyParams(iterations = KDF_ITERATIONS): KeyParams {
  return { v: 1, salt: toBase64(randomBytes(16)), iterations };
}

/** The AES-256-GCM key of `userId` for `password` under `params`. */
export async function deriveStoreKey(
  password: string,
  params: KeyParams,
  userId: string,
): Promise<CryptoKey> {
  const pw = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'PBKDF2',
      hash: 'SHA-256',
      salt: fromBase64(params.salt),
      iterations: params.iterations,
    },
    pw,
    256,
  );
  const master = await crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: utf8.encode(`${INFO}|${userId}`),
    },
    master,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Encrypts a JSON value for the record named by `aad` (e.g. `forms|<subject>|REG|1`). */
export async function seal(key: CryptoKey, value: unknown, aad: string): Promise<Sealed> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(aad), tagLength: 128 },
    key,
    utf8.encode(JSON.stringify(value)),
  );
  return { v: 1, iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
}

/** Decrypts a value sealed for the record `aad`; throws SealError if it does not open. */
export async function unseal<T = unknown>(key: CryptoKey, sealed: Sealed, aad: string): Promise<T> {
  if (sealed.v !== 1) throw new SealError(`Unknown sealed format ${String(sealed.v)}.`);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: fromBase64(sealed.iv),
        additionalData: utf8.encode(aad),
        tagLength: 128,
      },
      key,
      fromBase64(sealed.ct),
    );
  } catch {
    throw new SealError('This value cannot be decrypted with this key for this record.');
  }
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

/** A sealed constant stored with the parameters, to check a password before unlocking. */
export function makeVerifier(key: CryptoKey): Promise<Sealed> {
  return seal(key, VERIFIER_TEXT, VERIFIER_AAD);
}

/** Whether `key` opens the store whose verifier this is. */
export async function keyMatches(key: CryptoKey, verifier: Sealed): Promise<boolean> {
  try {
    return (await unseal(key, verifier, VERIFIER_AAD)) === VERIFIER_TEXT;
  } catch {
    return false;
  }
}
