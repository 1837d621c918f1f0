import { describe, expect, it } from 'vitest';
import {
  deriveStoreKey,
  KDF_ITERATIONS,
  keyMatches,
  makeVerifier,
  newKeyParams,
  SealError,
  seal,
  unseal,
} from './crypto';

// Few iterations keep the tests fast; the default is checked on its own.
const params = newKeyParams(1_000);
const USER = '6f1c1f4e-3b9a-4c55-9d0e-2f8a1f0c7b11';
const AAD = 'forms|subject-1|REG|1';

describe('offline store encryption', () => {
  it('derives with PBKDF2 at OWASP 2023 strength by default, with a fresh 16-byte salt each time', () => {
    const a = newKeyParams();
    const b = newKeyParams();
    expect(a.iterations).toBe(KDF_ITERATIONS);
    expect(KDF_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(atob(a.salt)).toHaveLength(16);
    expect(a.salt).not.toBe(b.salt);
  });

  it('round-trips JSON values, the same password and salt giving the same key', async () => {
    const k1 = await deriveStoreKey('correct horse battery', params, USER);
    const k2 = await deriveStoreKey('correct horse battery', params, USER);
    const values = [
      { age_years: 64, sex: 'male', site_recurrence: { L1: 'no' } },
      'مرحبا 😀 e\u0301',
      null,
      [1, 2, 3],
    ];
    for (const v of values) expect(await unseal(k2, await seal(k1, v, AAD), AAD)).toEqual(v);
  });

  it('never shows the plaintext and never reuses an IV', async () => {
    const key = await deriveStoreKey('correct horse battery', params, USER);
    const ivs = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const s = await seal(key, 'Claire Martin', AAD);
      ivs.add(s.iv);
      expect(atob(s.ct)).not.toContain('Claire');
    }
    expect(ivs.size).toBe(500);
  });

  it('refuses a wrong password, another user, a changed ciphertext and a ciphertext moved to another record', async () => {
    const key = await deriveStoreKey('correct horse battery', params, USER);
    const sealed = await seal(key, { value: 42 }, AAD);
    const wrong = await deriveStoreKey('correct horse batterz', params, USER);
    await expect(unseal(wrong, sealed, AAD)).rejects.toBeInstanceOf(SealError);
    const otherUser = await deriveStoreKey(
      'correct horse battery',
      params,
      `${USER.slice(0, -1)}2`,
    );
    await expect(unseal(otherUser, sealed, AAD)).rejects.toBeInstanceOf(SealError);
    const bytes = Uint8Array.from(atob(sealed.ct), (c) => c.charCodeAt(0));
    bytes[3]! ^= 1;
    const flipped = { ...sealed, ct: btoa(String.fromCharCode(...bytes)) };
    await expect(unseal(key, flipped, AAD)).rejects.toBeInstanceOf(SealError);
    await expect(unseal(key, sealed, 'forms|subject-2|REG|1')).rejects.toBeInstanceOf(SealError);
    await expect(unseal(key, { ...sealed, v: 2 as 1 }, AAD)).rejects.toThrow(
      /Unknown sealed format/,
    );
  });

  it('tells a wrong password by the verifier, and keeps the key inside WebCrypto', async () => {
    const key = await deriveStoreKey('correct horse battery', params, USER);
    const verifier = await makeVerifier(key);
    expect(await keyMatches(key, verifier)).toBe(true);
    expect(
      await keyMatches(await deriveStoreKey('tr0ub4dor&3 horse', params, USER), verifier),
    ).toBe(false);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });
});
