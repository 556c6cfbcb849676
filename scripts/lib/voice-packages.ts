import { spawnSync } from 'node:child_process';

/** Debian packages the voice needs from outside npm: the keyless local voice. */
const PACKAGES = [{ command: 'espeak-ng', pkg: 'espeak-ng' }];

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * Installs what is missing when this machine lets us (root with apt-get, as on a fresh
 * Debian VM or CI); otherwise says once what to install. Returns the commands still missing.
 */
export function ensureVoicePackages(log: (line: string) => void): string[] {
  const missing = PACKAGES.filter(({ command }) => !has(command));
  if (missing.length === 0) return [];
  const names = missing.map(({ pkg }) => pkg);
  if (process.getuid?.() === 0 && has('apt-get')) {
    log(`installing ${names.join(', ')} (apt-get) for the local voice`);
    spawnSync('sh', ['-c', `apt-get install -y -qq ${names.join(' ')} || (apt-get update -qq && apt-get install -y -qq ${names.join(' ')})`], {
      stdio: 'ignore',
    });
  }
  const still = missing.filter(({ command }) => !has(command)).map(({ command }) => command);
  if (still.length > 0) log(`missing ${still.join(', ')}: install it (Debian/Ubuntu: apt-get install ${names.join(' ')}) for NPCs to speak without a TTS provider`);
  return still;
}
