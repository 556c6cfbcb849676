import type { NpcDefinition } from '@glyphoxa/protocol';

/**
 * One NPC's answer to a player's turn, from the moment it is started (perhaps early,
 * on a partial transcript) to the moment it is heard. Its audio is held back by a
 * release that opens only when the words it answers are final and the player's
 * silence has lasted the turn's hold; until then it can be dropped for nothing
 * heard (the player went on, or the final transcript said something else).
 */
export class Answer {
  readonly npc: NpcDefinition;
  /** The words it answers. */
  readonly basis: string;
  /** Started before the final transcript was in. */
  readonly early: boolean;
  readonly controller = new AbortController();
  /** Its first audio went out: the table heard it. */
  heard = false;
  /** The final transcript confirmed `basis`. */
  confirmed = false;
  readonly release: Promise<void>;
  private holdUntil = Number.POSITIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private open!: () => void;
  /** Up to when the player's silence has been heard (their VAD may lag behind the clock). */
  private readonly heardThrough: () => number;

  constructor(npc: NpcDefinition, basis: string, early: boolean, heardThrough: () => number = () => performance.now()) {
    this.npc = npc;
    this.basis = basis;
    this.early = early;
    this.heardThrough = heardThrough;
    this.release = new Promise((resolve) => (this.open = resolve));
    this.controller.signal.addEventListener('abort', () => clearTimeout(this.timer), { once: true });
  }

  /** Audio may play from `at` (performance.now()) once confirmed; a later assessment may move it. */
  holdTill(at: number): void {
    this.holdUntil = at;
    this.arm();
  }

  /** The words are final; with no hold set, the audio may play at once. */
  confirm(): this {
    this.confirmed = true;
    if (!Number.isFinite(this.holdUntil)) this.holdUntil = 0;
    this.arm();
    return this;
  }

  drop(): void {
    this.controller.abort();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!this.confirmed || this.controller.signal.aborted || !Number.isFinite(this.holdUntil)) return;
    // The hold is silence heard, not time passed: checked again when the wait is up.
    const wait = this.holdUntil - this.heardThrough();
    if (wait <= 0) this.open();
    else this.timer = setTimeout(() => this.arm(), wait);
  }
}
