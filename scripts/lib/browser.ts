import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`): no tool downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Quiet, offline and reproducible: nothing phones home, nothing updates itself. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface BrowserOptions {
  /** A WAV file Chromium plays as the microphone, once (then silence). */
  fakeMicrophone?: string;
}

/** Real Chromium under playwright-core. */
export async function launchChromium(options: BrowserOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
  const microphone = options.fakeMicrophone
    ? ['--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.fakeMicrophone}%noloop`, '--autoplay-policy=no-user-gesture-required']
    : [];
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...microphone], headless: true });
}
