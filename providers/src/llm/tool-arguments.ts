/**
 * A tool call's arguments from the JSON text the vendor streamed. Text that is not a JSON
 * object (a model's slip) becomes no arguments: the tool then refuses the call with a
 * message the model reads and can correct, rather than the whole turn failing here.
 */
export function toolArguments(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
