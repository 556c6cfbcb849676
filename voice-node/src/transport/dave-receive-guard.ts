import type { DAVESession, VoiceReceiver, VoiceUDPSocket } from '@discordjs/voice';
import type { Logger } from '@glyphoxa/protocol';

/**
 * Receive-side defences for @discordjs/voice 0.19 with DAVE (end-to-end encryption),
 * whose receive path has known failure modes:
 * - while the DAVE session is not ready (no MLS group yet, or never: a group that was
 *   never welcomed) it hands on packets still end-to-end encrypted, which the Opus
 *   decoder chews on one by one; they are dropped here unread;
 * - after a streak of decryption failures it re-initializes only if the last
 *   transition id is truthy, so with transition 0 (a valid id) every later packet
 *   throws and destroys the speaker's stream; here failures are dropped, and a streak
 *   re-keys the session (invalidate the transition, send a fresh key package) whatever
 *   its id, then, if that does not help, rejoins the channel; both with cooldowns;
 * - a channel that empties and refills announces a new group (prepare epoch): the
 *   failures while the new group forms are expected and do not count towards a streak;
 * - packets from an SSRC no speaking event mapped to a user cannot be decrypted or
 *   attributed: counted and dropped (the library drops them silently).
 * Every drop and recovery is counted (metrics) and recoveries are logged.
 */

export interface DaveGuardTimings {
  /** Consecutive packets that failed to decrypt (or arrived while the session was not ready) before re-keying. */
  failureStreak: number;
  /** How long a session may stay not ready while audio arrives before it is re-keyed. */
  notReadyMs: number;
  /** At most one re-key this often. */
  rekeyCooldownMs: number;
  /** Failures still streaking this long after a re-key: rejoin the channel (at most once per `rejoinCooldownMs`). */
  rejoinAfterMs: number;
  rejoinCooldownMs: number;
  /** After a prepare epoch, failures are the new group forming for this long. */
  epochGraceMs: number;
}

export const DEFAULT_DAVE_GUARD: DaveGuardTimings = {
  failureStreak: 48,
  notReadyMs: 5000,
  rekeyCooldownMs: 10_000,
  rejoinAfterMs: 5000,
  rejoinCooldownMs: 60_000,
  epochGraceMs: 3000,
};

/** Event names counted for /metrics. */
export type DaveEvent =
  | 'dave_packet_dropped_not_ready'
  | 'dave_packet_dropped_undecryptable'
  | 'dave_prepare_epoch'
  | 'dave_rekey'
  | 'dave_rejoin'
  | 'voice_packet_unknown_ssrc';

export interface DaveGuardOptions {
  log: Logger;
  count: (event: DaveEvent) => void;
  /** Rejoins the voice channel (a new connection, a new DAVE session). */
  rejoin: () => void;
  timings?: Partial<DaveGuardTimings>;
}

/** Transitions the wrapper is waiting on (a private field: read, never written). */
const pendingTransitions = (dave: DAVESession) => (Reflect.get(dave, 'pendingTransitions') as Map<number, number> | undefined)?.size ?? 0;

/** One guard per transport: sessions come and go with reconnects, the cooldowns hold across them. */
export function createDaveReceiveGuard(options: DaveGuardOptions) {
  const timings = { ...DEFAULT_DAVE_GUARD, ...options.timings };
  const { log, count } = options;
  const guarded = new WeakSet<object>();
  let streak = 0;
  let notReadySince: number | undefined;
  let lastRekeyAt = Number.NEGATIVE_INFINITY;
  let lastRejoinAt = Number.NEGATIVE_INFINITY;
  let graceUntil = 0;
  const unknownSsrcs = new Set<number>();

  const recover = (dave: DAVESession, reason: string) => {
    const now = performance.now();
    if (now - lastRekeyAt >= timings.rekeyCooldownMs) {
      lastRekeyAt = now;
      streak = 0;
      notReadySince = undefined;
      count('dave_rekey');
      log.warn('discord voice: DAVE re-keyed', { reason, transition_id: dave.lastTransitionId ?? null });
      // The library skips this when the last transition id is 0; the id is passed explicitly here.
      dave.recoverFromInvalidTransition(dave.lastTransitionId ?? 0);
    } else if (now - lastRekeyAt >= timings.rejoinAfterMs && now - lastRejoinAt >= timings.rejoinCooldownMs) {
      lastRejoinAt = now;
      streak = 0;
      notReadySince = undefined;
      count('dave_rejoin');
      log.warn('discord voice: DAVE still failing after a re-key; rejoining the channel', { reason });
      options.rejoin();
    }
  };

  const undecryptable = (dave: DAVESession) => {
    count('dave_packet_dropped_undecryptable');
    // A transition under way or a new group forming fails packets by design; the library waits those out.
    if (performance.now() < graceUntil || dave.reinitializing || pendingTransitions(dave) > 0) return;
    streak += 1;
    if (streak >= timings.failureStreak) recover(dave, 'decryption failures');
  };

  return {
    /** Wraps a connection's DAVE session (once; a new session after a reconnect is wrapped anew). */
    session(dave: DAVESession): void {
      if (guarded.has(dave)) return;
      guarded.add(dave);
      const session = dave;
      const decrypt = session.decrypt.bind(session);
      session.decrypt = (packet, userId) => {
        if (session.protocolVersion > 0 && !session.session?.ready) {
          const now = performance.now();
          notReadySince ??= now;
          count('dave_packet_dropped_not_ready');
          if (now - notReadySince >= timings.notReadyMs && now >= graceUntil) {
            notReadySince = now;
            recover(session, 'session not ready');
          }
          return null;
        }
        notReadySince = undefined;
        let clear: Buffer | null = null;
        try {
          clear = decrypt(packet, userId);
        } catch {
          // The library throws once its own tolerance is spent and it cannot recover (transition 0).
        }
        if (clear) streak = 0;
        else undecryptable(session);
        return clear;
      };
      const prepareEpoch = session.prepareEpoch.bind(session);
      session.prepareEpoch = (data) => {
        count('dave_prepare_epoch');
        log.info('discord voice: DAVE prepares a new epoch (the channel emptied and refilled)', { epoch: data.epoch });
        graceUntil = performance.now() + timings.epochGraceMs;
        streak = 0;
        notReadySince = undefined;
        prepareEpoch(data);
      };
    },

    /** Counts packets from SSRCs no user is known for (the receiver drops them). */
    udp(udp: VoiceUDPSocket, receiver: VoiceReceiver): void {
      if (guarded.has(udp)) return;
      guarded.add(udp);
      udp.on('message', (message: Buffer) => {
        if (message.length <= 8) return;
        const ssrc = message.readUInt32BE(8);
        if (receiver.ssrcMap.get(ssrc)) return;
        count('voice_packet_unknown_ssrc');
        if (unknownSsrcs.size < 64 && !unknownSsrcs.has(ssrc)) {
          unknownSsrcs.add(ssrc);
          log.info('discord voice: packets from an SSRC with no known user are dropped', { ssrc });
        }
      });
    },
  };
}

export type DaveReceiveGuard = ReturnType<typeof createDaveReceiveGuard>;
