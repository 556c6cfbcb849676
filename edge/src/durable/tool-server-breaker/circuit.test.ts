import { describe, expect, it } from 'vitest';
import { admit, CLOSED, record, type Circuit } from './circuit.ts';

const policy = { failures: 3, cooldownMs: 30_000 };

/** The circuit after these outcomes, all at `now`. */
const after = (outcomes: boolean[], now = 0, start: Circuit = CLOSED) => outcomes.reduce((c, ok) => record(c, ok, now, policy), start);

describe("a tool server's circuit breaker", () => {
  it('lets calls through while fewer than 3 fail in a row; a success forgets the failures', () => {
    expect(admit(after([false, false]), 0, policy).admitted).toBe(true);
    expect(after([false, false, true, false, false])).toEqual({ failures: 2, openUntil: 0, probeAt: 0 });
  });

  it('opens on the third failure in a row and refuses every call for the cooldown, saying until when', () => {
    const open = after([false, false, false], 1_000);
    expect(admit(open, 1_000, policy)).toMatchObject({ admitted: false, retryAt: 31_000 });
    expect(admit(open, 30_999, policy).admitted).toBe(false);
  });

  it('after the cooldown lets one probe through at a time; its success closes the circuit', () => {
    const open = after([false, false, false], 0);
    const probe = admit(open, 30_000, policy);
    expect(probe.admitted).toBe(true);
    expect(admit(probe.circuit, 30_001, policy).admitted).toBe(false);
    const closed = record(probe.circuit, true, 30_100, policy);
    expect(closed).toEqual(CLOSED);
    expect(admit(closed, 30_101, policy).admitted).toBe(true);
  });

  it('reopens at once when the probe fails', () => {
    const probe = admit(after([false, false, false], 0), 30_000, policy);
    const reopened = record(probe.circuit, false, 30_500, policy);
    expect(admit(reopened, 30_501, policy)).toMatchObject({ admitted: false, retryAt: 60_500 });
  });

  it('gives up on a probe that never reported after a cooldown, and sends another', () => {
    const probe = admit(after([false, false, false], 0), 30_000, policy);
    expect(admit(probe.circuit, 59_999, policy).admitted).toBe(false);
    expect(admit(probe.circuit, 60_000, policy).admitted).toBe(true);
  });
});
