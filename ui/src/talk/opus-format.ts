/** The audio socket's Opus (docs/AUDIO_WEBSOCKET.md): 48 kHz stereo, one 20 ms packet a message. */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 2;
export const FRAME_SAMPLES = 960;
export const FRAME_US = 20_000;
/** Opus's silence frame: the node pads each stretch of speech with five. */
export const SILENCE_FRAME = [0xf8, 0xff, 0xfe];

export const OPUS_CONFIG: AudioEncoderConfig & AudioDecoderConfig = {
  codec: 'opus',
  sampleRate: SAMPLE_RATE,
  numberOfChannels: CHANNELS,
};

export function isSilenceFrame(packet: Uint8Array): boolean {
  return packet.length === SILENCE_FRAME.length && packet.every((byte, i) => byte === SILENCE_FRAME[i]);
}

/** This browser can speak the socket's audio: WebCodecs with Opus, and an AudioWorklet. */
export async function opusSupported(): Promise<boolean> {
  if (typeof AudioEncoder === 'undefined' || typeof AudioDecoder === 'undefined' || typeof AudioWorkletNode === 'undefined') return false;
  const [encoder, decoder] = await Promise.all([AudioEncoder.isConfigSupported(OPUS_CONFIG), AudioDecoder.isConfigSupported(OPUS_CONFIG)]);
  return encoder.supported === true && decoder.supported === true;
}
