import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import * as v from 'valibot';

const ALG = 'EdDSA';
const ISSUER = 'glyphoxa-edge';
const AUDIENCE = 'glyphoxa-api';
export const ACCESS_TOKEN_TTL_S = 15 * 60;

const Ed25519Jwk = { kty: v.literal('OKP'), crv: v.literal('Ed25519'), kid: v.pipe(v.string(), v.nonEmpty()), x: v.string() };
const PrivateJwkSchema = v.object({ ...Ed25519Jwk, d: v.string() });
const PublicJwksSchema = v.pipe(v.array(v.object(Ed25519Jwk)), v.minLength(1));

/** What an access token says: who, and whether they are a platform operator. */
export interface AccessClaims {
  userId: string;
  superAdmin: boolean;
}

/** One kind of JWT the edge signs with its key: its `typ` and audience keep each kind from passing for another. */
export interface EdgeJwtKind {
  typ: string;
  audience: string;
}

/** The Worker variables the edge's JWTs need (the Worker's bindings have them; the web-API bench passes its own). */
export interface TokenKeys {
  ACCESS_TOKEN_SIGNING_KEY?: string;
  ACCESS_TOKEN_PUBLIC_KEYS?: string;
}

const ACCESS: EdgeJwtKind = { typ: 'at+jwt', audience: AUDIENCE };

/**
 * The edge's JWTs are Ed25519. `ACCESS_TOKEN_SIGNING_KEY` (a private JWK with a
 * `kid`) signs; `ACCESS_TOKEN_PUBLIC_KEYS` (a JSON array of public JWKs)
 * verifies, so a new signing key can start while tokens of the old one, whose
 * public key stays listed, live out their time.
 */
export async function signEdgeJwt(env: TokenKeys, kind: EdgeJwtKind, claims: JWTPayload & { sub: string }, ttlS: number, now = Date.now()): Promise<string> {
  const jwk = parseKeys(PrivateJwkSchema, 'ACCESS_TOKEN_SIGNING_KEY', env.ACCESS_TOKEN_SIGNING_KEY);
  const key = await importJWK(jwk, ALG);
  const iat = Math.floor(now / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, kid: jwk.kid, typ: kind.typ })
    .setIssuer(ISSUER)
    .setAudience(kind.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlS)
    .sign(key);
}

/** The JWT's claims, or null for one that is malformed, tampered with, expired, of another kind or signed by a key not listed. */
export async function verifyEdgeJwt(env: TokenKeys, kind: EdgeJwtKind, token: string): Promise<JWTPayload | null> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return null;
  }
  const key = kid ? (await publicKeys(env)).get(kid) : undefined;
  if (!key) return null;
  try {
    return (await jwtVerify(token, key, { algorithms: [ALG], issuer: ISSUER, audience: kind.audience, typ: kind.typ })).payload;
  } catch {
    return null;
  }
}

/** An access token: 15 minutes, held in the SPA's memory. */
export function signAccessToken(env: TokenKeys, claims: AccessClaims, now = Date.now()): Promise<string> {
  return signEdgeJwt(env, ACCESS, { sub: claims.userId, sa: claims.superAdmin || undefined }, ACCESS_TOKEN_TTL_S, now);
}

/**
 * The claims of an access token, or null. A token this isolate has verified is answered from
 * `verified` until its `exp`: a token is immutable text whose signature, issuer, audience and
 * type do not change once checked, access tokens have no revocation list (they live 15
 * minutes; logout revokes the refresh token), and the map is emptied when the listed public
 * keys change, so a key taken off the list is refused at once. Keyed by the exact text, so a
 * tampered token is another key and is verified in full; only tokens that passed are kept.
 */
export async function verifyAccessToken(env: TokenKeys, token: string): Promise<AccessClaims | null> {
  const now = Date.now();
  const tokens = verifiedFor(env);
  const hit = tokens.get(token);
  if (hit && hit.expiresAtMs > now) return hit.claims;
  if (hit) tokens.delete(token);
  const payload = await verifyEdgeJwt(env, ACCESS, token);
  if (typeof payload?.sub !== 'string') return null;
  const claims = { userId: payload.sub, superAdmin: payload.sa === true };
  // jose refuses a token once `exp` (whole seconds) is reached; so does the cache. Without one (never ours) it is not kept.
  if (typeof payload.exp === 'number') {
    if (tokens.size >= VERIFIED_MAX) tokens.delete(tokens.keys().next().value!);
    tokens.set(token, { claims, expiresAtMs: payload.exp * 1000 });
  }
  return claims;
}

/** Verified access tokens an isolate keeps: a few thousand users' at once, the oldest let go first. */
const VERIFIED_MAX = 4096;
let verified: { source: string | undefined; tokens: Map<string, { claims: AccessClaims; expiresAtMs: number }> } = { source: undefined, tokens: new Map() };
function verifiedFor(env: TokenKeys) {
  if (verified.source !== env.ACCESS_TOKEN_PUBLIC_KEYS) verified = { source: env.ACCESS_TOKEN_PUBLIC_KEYS, tokens: new Map() };
  return verified.tokens;
}

/** The verification keys by kid, imported once per isolate for a given configuration. */
let cached: { source: string; keys: Promise<Map<string, CryptoKey | Uint8Array>> } | null = null;
function publicKeys(env: TokenKeys): Promise<Map<string, CryptoKey | Uint8Array>> {
  const source = env.ACCESS_TOKEN_PUBLIC_KEYS ?? '';
  // None configured: no token can be valid (every one is a 401), which is not the caller's error to hear about.
  if (!source) return Promise.resolve(new Map());
  if (cached?.source === source) return cached.keys;
  const jwks = parseKeys(PublicJwksSchema, 'ACCESS_TOKEN_PUBLIC_KEYS', source);
  const keys = Promise.all(jwks.map(async (jwk) => [jwk.kid, await importJWK(jwk, ALG)] as const)).then((pairs) => new Map(pairs));
  cached = { source, keys };
  return keys;
}

/** A key setting as JSON of the schema's shape; a missing or malformed one is the operator's error, said loudly. */
function parseKeys<S extends v.GenericSchema>(schema: S, variable: string, value: string | undefined): v.InferOutput<S> {
  if (!value) throw new Error(`${variable} is not set: access tokens cannot be issued or checked (see docs/WEB_API.md)`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${variable}: is not JSON`);
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) throw new Error(`${variable}: ${v.getDotPath(parsed.issues[0]) ?? ''} ${parsed.issues[0].message}`);
  return parsed.output;
}
