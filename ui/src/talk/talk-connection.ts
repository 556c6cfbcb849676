import { AUDIO_CLOSE, AudioServerEventSchema, readAudioSocketText, type AudioClientMessage, type AudioJoinMessage, type TranscriptEntry } from '@glyphoxa/protocol';
import { Microphone } from './microphone.ts';
import { SAMPLE_RATE } from './opus-format.ts';
import { OpusPlayer } from './opus-player.ts';

/** Where and as whom to join a browser-audio session (the start answer's `audio`, or a join link). */
export interface TalkTarget {
  /** ws(s)://node/audio/<session_id> */
  url: string;
  token: string;
  speakerId: string;
  speakerName: string;
}

export type MicState = 'off' | 'opening' | 'on' | 'denied';

export interface TalkState {
  status: 'connecting' | 'joined' | 'ended' | 'failed';
  /** Why the conversation stopped, and what to do about it. */
  problem: string | null;
  lines: TranscriptEntry[];
  /** NPCs whose voice is going out now. */
  speaking: string[];
  mic: MicState;
  /** Audio is going to the NPCs now (push-to-talk held, or the open mic). */
  sending: boolean;
  openMic: boolean;
  stats: { sent: number; received: number; heardMs: number };
}

/** What each of the node's close codes means to the person in the conversation. */
const CLOSED: Record<number, { status: TalkState['status']; problem: string }> = {
  [AUDIO_CLOSE.sessionEnded]: { status: 'ended', problem: 'The session has ended. Start a new one to talk again.' },
  [AUDIO_CLOSE.badToken]: { status: 'failed', problem: 'This join link is not valid for the session. Ask the DM for a new link.' },
  [AUDIO_CLOSE.unknownSession]: { status: 'ended', problem: 'This session is not running any more. Ask the DM to start it again.' },
  [AUDIO_CLOSE.replaced]: { status: 'ended', problem: 'You joined this conversation from another tab or window; continue there.' },
};
const LOST = 'The connection to the voice server was lost. Check your network, then rejoin.';

/**
 * One person in a browser-audio session: the node's audio socket, the speaker's
 * microphone going out as Opus, the NPCs' voices coming back, typed lines, and the
 * transcript as the node sends it. React reads it through subscribe/getState.
 */
export class TalkConnection {
  private state: TalkState = {
    status: 'connecting',
    problem: null,
    lines: [],
    speaking: [],
    mic: 'off',
    sending: false,
    openMic: false,
    stats: { sent: 0, received: 0, heardMs: 0 },
  };
  private readonly listeners = new Set<() => void>();
  private readonly socket: WebSocket;
  private readonly context: AudioContext;
  private readonly player: OpusPlayer;
  private microphone: Microphone | null = null;
  private pushing = false;

  /** Call from a user gesture (a click): the AudioContext may only play after one. */
  constructor(target: TalkTarget) {
    this.context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
    this.player = new OpusPlayer(this.context, (error) => this.fail(`The NPCs' audio could not be played (${error.message}).`));
    this.socket = new WebSocket(target.url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      const join: AudioJoinMessage = { type: 'join', token: target.token, speaker_id: target.speakerId, speaker_name: target.speakerName };
      this.socket.send(JSON.stringify(join));
    };
    this.socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => this.receive(event.data);
    this.socket.onclose = (event) => {
      this.releaseMicrophone();
      if (this.state.status === 'ended' || this.state.status === 'failed') return;
      this.update(CLOSED[event.code] ?? { status: 'failed', problem: LOST });
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): TalkState => this.state;

  /** Asks for the microphone; audio goes out while push-to-talk is held or the open mic is on. */
  async enableMicrophone(): Promise<void> {
    if (this.microphone || this.state.mic === 'opening') return;
    this.update({ mic: 'opening' });
    try {
      this.microphone = await Microphone.open(this.context, (packet) => this.sendPacket(packet), (error) => this.fail(`The microphone stopped (${error.message}).`));
      this.update({ mic: 'on' });
      this.gate();
    } catch (error) {
      const denied = error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
      this.update({ mic: denied ? 'denied' : 'off', problem: denied ? 'The browser was not allowed to use your microphone. Allow it in the address bar, or type instead.' : `No microphone could be opened (${error instanceof Error ? error.message : String(error)}). Type instead, or plug one in and try again.` });
    }
  }

  /** Push-to-talk: held down while the key or button is. */
  push(down: boolean): void {
    this.pushing = down;
    this.gate();
  }

  setOpenMic(on: boolean): void {
    this.update({ openMic: on });
    this.gate();
  }

  /** A typed line, answered like a spoken one. */
  say(text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed || this.state.status !== 'joined') return false;
    this.socket.send(JSON.stringify({ type: 'text', text: trimmed } satisfies AudioClientMessage));
    return true;
  }

  set volume(value: number) {
    this.player.volume = value;
  }

  close(): void {
    if (this.state.status === 'connecting' || this.state.status === 'joined') this.update({ status: 'ended', problem: null });
    this.releaseMicrophone();
    this.socket.close(1000, 'left');
    this.player.close();
    void this.context.close();
  }

  private receive(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      this.player.push(new Uint8Array(data));
      this.update({ stats: { ...this.state.stats, received: this.state.stats.received + 1, heardMs: Math.round(this.player.heardMs) } });
      return;
    }
    const event = readAudioSocketText(AudioServerEventSchema, data);
    if (!event) return;
    if (event.type === 'joined') {
      void this.context.resume();
      this.update({ status: 'joined', problem: null });
    } else if (event.type === 'speaking') {
      const others = this.state.speaking.filter((npc) => npc !== event.npc);
      this.update({ speaking: event.speaking ? [...others, event.npc] : others });
    } else {
      this.update({ lines: [...this.state.lines, event.entry] });
    }
  }

  private sendPacket(packet: Uint8Array): void {
    if (this.socket.readyState !== WebSocket.OPEN || this.state.status !== 'joined') return;
    this.socket.send(packet);
    this.update({ stats: { ...this.state.stats, sent: this.state.stats.sent + 1 } });
  }

  private gate(): void {
    const sending = this.microphone !== null && (this.pushing || this.state.openMic);
    if (this.microphone) this.microphone.sending = sending;
    if (sending !== this.state.sending) this.update({ sending });
  }

  private releaseMicrophone(): void {
    this.microphone?.close();
    this.microphone = null;
    if (this.state.mic === 'on') this.update({ mic: 'off', sending: false });
  }

  private fail(problem: string): void {
    this.update({ problem });
  }

  private update(change: Partial<TalkState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}
