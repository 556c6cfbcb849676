/** The function names every vendor takes (OpenAI's and Anthropic's rule; Gemini's is looser). */
export const VENDOR_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;
/** `_` and 8 hex digits of the MCP name's hash. */
const SUFFIX_LENGTH = 9;

/**
 * The names a set of MCP tools go by at the LLM vendor, and back. A tenant server's tools are
 * `<server>.<tool>` and may hold characters or lengths vendors refuse; each such name gets a
 * legal one (`lorekeeper.search` -> `lorekeeper__search`, with a hash of the MCP name appended
 * when that is taken or too long), while a name already legal keeps it, so the edge's own tools
 * are never renamed. Built from the whole list at once: no two MCP names share a vendor name.
 */
export class VendorToolNames {
  private readonly vendor = new Map<string, string>();
  private readonly mcp = new Map<string, string>();

  constructor(mcpNames: readonly string[]) {
    const unique = [...new Set(mcpNames)];
    for (const name of unique.filter((n) => VENDOR_TOOL_NAME.test(n))) this.bind(name, name);
    for (const name of unique.filter((n) => !VENDOR_TOOL_NAME.test(n)).sort()) this.bind(name, this.legal(name));
  }

  /** The name the model is offered for an MCP tool. */
  toVendor(mcpName: string): string {
    return this.vendor.get(mcpName) ?? mcpName;
  }

  /** The MCP tool a model's call names; undefined for a name that was never offered. */
  toMcp(vendorName: string): string | undefined {
    return this.mcp.get(vendorName);
  }

  private bind(mcpName: string, vendorName: string): void {
    this.vendor.set(mcpName, vendorName);
    this.mcp.set(vendorName, mcpName);
  }

  private legal(name: string): string {
    const readable = name.replaceAll('.', '__').replace(/[^a-zA-Z0-9_-]/g, '_');
    if (readable.length <= MAX_LENGTH && !this.mcp.has(readable)) return readable;
    for (let salt = 0; ; salt++) {
      const candidate = `${readable.slice(0, MAX_LENGTH - SUFFIX_LENGTH)}_${fnv1a(`${salt}:${name}`)}`;
      if (!this.mcp.has(candidate)) return candidate;
    }
  }
}

/** 32-bit FNV-1a as 8 hex digits: stable across processes, so a name keeps its vendor name. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
