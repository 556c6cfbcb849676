import { readAtMost } from '../bounded-read.ts';
import type { CommandContext } from './command.ts';
import type { Attachment } from './interaction.ts';
import { stringOption, type OptionValues } from './options.ts';

/** Campaign and entity files: at most 10 MB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 10_000;

/** The file an attachment option names, as Discord resolved it in the interaction. */
export function attachmentOption(ctx: CommandContext, options: OptionValues, name = 'attachment'): Attachment | undefined {
  const id = stringOption(options, name);
  const data = ctx.interaction.data;
  return id && data && 'resolved' in data ? data.resolved?.attachments?.[id] : undefined;
}

/**
 * The attachment's text (UTF-8), or why it cannot be had: too big (by what
 * Discord says, and again while reading, since that is what counts), not
 * downloadable, not text.
 */
export async function attachmentText(attachment: Attachment, maxBytes = MAX_ATTACHMENT_BYTES): Promise<{ text: string } | { problem: string }> {
  const tooBig = { problem: `${attachment.filename} is larger than ${maxBytes / 1024 / 1024} MB.` };
  if (attachment.size > maxBytes) return tooBig;
  let res: Response;
  try {
    res = await fetch(attachment.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch {
    return { problem: `Discord did not hand over ${attachment.filename}; try uploading it again.` };
  }
  if (!res.ok || !res.body) return { problem: `Discord did not hand over ${attachment.filename} (${res.status}); try uploading it again.` };
  const bytes = await readAtMost(res.body, maxBytes);
  if (!bytes) return tooBig;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { problem: `${attachment.filename} is not a UTF-8 text file.` };
  }
}
