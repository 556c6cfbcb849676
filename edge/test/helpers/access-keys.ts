/**
 * Access-token keys for the tests only (never deployed): k2 signs, k1 is the
 * previous key whose public half is still accepted, the stranger is listed nowhere.
 */
export const TEST_SIGNING_KEYS = {
  "k1": {
    "crv": "Ed25519",
    "d": "lS6wq_20syZPsgbHFPg5Qw4gQzldhCmNwi-g7an7iKQ",
    "x": "zjSv2orvK-A6-ksd6d-NVT-jU8isU0bjjy4b_p0m50E",
    "kty": "OKP",
    "kid": "test-k1"
  },
  "k2": {
    "crv": "Ed25519",
    "d": "wRRpEQm-0N69caFkgntodm5INC39AV_b8ntySQyxsbY",
    "x": "aX-JTAyRpYm-TzeUginr-JUeE2_g5U7Cg4Axt2-1oVk",
    "kty": "OKP",
    "kid": "test-k2"
  },
  "stranger": {
    "crv": "Ed25519",
    "d": "-H0RUxg-V2Ym00uqhrV2apfZk5DODJ0iM29SgVRW0Mg",
    "x": "P2qwasApDL_NlRRG-RESaaR2Rtf9HVSvh6yPpf96bPc",
    "kty": "OKP",
    "kid": "test-stranger"
  }
} as const;

export const publicJwk = ({ d: _d, ...rest }: { d: string; [k: string]: string }) => rest;

export const ACCESS_TOKEN_BINDINGS = {
  ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(TEST_SIGNING_KEYS.k2),
  ACCESS_TOKEN_PUBLIC_KEYS: JSON.stringify([publicJwk(TEST_SIGNING_KEYS.k2), publicJwk(TEST_SIGNING_KEYS.k1)]),
};
