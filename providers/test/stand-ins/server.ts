/**
 * The HTTP machinery every vendor stand-in shares: a real server on 127.0.0.1
 * (port 0), a record of each request, scripted latency, and failures injected
 * one request at a time. A vendor module only turns a request into its wire
 * format's reply; this module decides when (and whether) the bytes go out.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Latency {
  /** Before the first byte of a reply (time to first token or audio). */
  firstByteMs: number;
  /** Between streamed chunks (per token, per audio chunk). */
  chunkMs: number;
}

/**
 * A failure for the next request: an HTTP status (a refused upgrade for WebSockets), a
 * server that never answers, or a connection cut after so many chunks (streamed replies;
 * for Deepgram, audio messages received).
 */
export type Fault = { status: number; message?: string } | { hang: true } | { dropAfterChunks: number };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, a multipart form, or (WebSocket) what the client sent. */
  body: unknown;
  /** How long the request's connection had been open when it arrived: near 0 for a connection opened for it. */
  connectionAgeMs: number;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, { name: string; type: string; bytes: Uint8Array }>;
}

/** A vendor handler's refusal with a status of its own (a 404 for what does not exist); anything else thrown is a 400. */
export class VendorError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`vendor error ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** What a vendor handler answers: a JSON document or a stream of chunks (SSE events, PCM bytes). */
export type Reply = { json: unknown } | { chunks: Array<string | Uint8Array>; contentType: string };

/** How a streaming recognizer (Deepgram live, ElevenLabs realtime, OpenAI realtime) paces its transcripts. */
export interface StreamingLatency {
  /** From the end of the audio (Finalize, commit) to its final transcript. */
  finalMs: number;
  /** An interim transcript after each this much new audio (vendors without interims ignore it). */
  interimEveryMs: number;
}

export const DEFAULT_STREAMING: StreamingLatency = { finalMs: 150, interimEveryMs: 100 };

/** The certificate TLS stand-ins serve (self-signed, for 127.0.0.1): trust it to reach them. */
export const STAND_IN_CA = readFileSync(new URL('tls/cert.pem', import.meta.url), 'utf8');

export interface StandInOptions {
  /** Serve https/wss (clients that insist on TLS, like OpenAI's realtime WebSocket); trust `STAND_IN_CA`. */
  tls?: boolean;
  latency?: Partial<Latency>;
  streaming?: Partial<StreamingLatency>;
  /** When set, requests without this key (in the vendor's header) get the vendor's 401, which quotes the key received. */
  apiKey?: string;
}

export interface Vendor {
  /** Prefix of the base URL clients are given (`/v1` for OpenAI-compatible servers). */
  basePath?: string;
  scheme?: 'http' | 'ws';
  handle(request: RecordedRequest): Reply | Promise<Reply>;
  /** The vendor's error document for a status. */
  errorBody(status: number, message: string): unknown;
  /** The key the request carries, from the vendor's auth header. */
  keyOf(request: RecordedRequest): string | undefined;
  /** WebSocket endpoints (Deepgram) take over upgrades that passed the fault and key checks. */
  upgrade?(upgrade: Upgrade): void;
}

export interface Upgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  request: RecordedRequest;
  /** A hang or a drop for this connection; status faults were answered already. */
  fault: Fault | undefined;
  standIn: StandIn;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class StandIn {
  /** The base URL to put in a `ProviderEndpoint` (with the vendor's path prefix, e.g. `/v1` for OpenAI). */
  readonly url: string;
  /** Scheme, host and port only: what a proxy in front of the stand-in forwards request paths to. */
  readonly origin: string;
  readonly requests: RecordedRequest[] = [];
  latency: Latency;
  streaming: StreamingLatency;
  private readonly faults: Fault[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Duplex>();
  private readonly openedAt = new WeakMap<object, number>();

  private constructor(server: Server, url: string, latency: Latency, streaming: StreamingLatency) {
    this.server = server;
    this.url = url;
    this.origin = new URL(url).origin;
    this.latency = latency;
    this.streaming = streaming;
    server.on('connection', (socket) => this.track(socket));
    // A TLS request arrives on the TLS socket, not the TCP one beneath it.
    server.on('secureConnection', (socket) => this.openedAt.set(socket, performance.now()));
  }

  static async start(vendor: Vendor, options: StandInOptions): Promise<StandIn> {
    const server = options.tls ? createTlsServer({ cert: STAND_IN_CA, key: readFileSync(new URL('tls/key.pem', import.meta.url)) }) : createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const scheme = vendor.scheme ?? 'http';
    const url = `${options.tls ? `${scheme}s` : scheme}://127.0.0.1:${port}${vendor.basePath ?? ''}`;
    const standIn = new StandIn(server, url, { firstByteMs: 0, chunkMs: 0, ...options.latency }, { ...DEFAULT_STREAMING, ...options.streaming });
    server.on('request', (req, res) => {
      // A request the vendor would refuse (bad JSON, missing fields, unknown route) gets its 400.
      standIn.serve(vendor, options, req, res).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else if (error instanceof VendorError) sendJson(res, error.status, error.body);
        else sendJson(res, 400, vendor.errorBody(400, error instanceof Error ? error.message : String(error)));
      });
    });
    server.on('upgrade', (req, socket, head) => standIn.upgrade(vendor, options, { req, socket, head }));
    return standIn;
  }

  /** Fails the next requests, one fault each, in order; later requests are answered normally. */
  fail(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Connections still open (a hanging reply, a live WebSocket) are cut. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Duplex): void {
    this.openedAt.set(socket, performance.now());
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private record(req: IncomingMessage, body: unknown): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
    const connectionAgeMs = performance.now() - (this.openedAt.get(req.socket) ?? performance.now());
    const recorded = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, connectionAgeMs };
    this.requests.push(recorded);
    return recorded;
  }

  private upgrade(vendor: Vendor, options: StandInOptions, { req, socket, head }: Pick<Upgrade, 'req' | 'socket' | 'head'>): void {
    const request = this.record(req, undefined);
    const fault = this.faults.shift();
    const refuse = (status: number, message: string) => {
      const body = JSON.stringify(vendor.errorBody(status, message));
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (!vendor.upgrade) return refuse(404, 'no WebSocket here');
    if (fault && 'status' in fault) return refuse(fault.status, fault.message ?? 'injected failure');
    if (options.apiKey !== undefined && vendor.keyOf(request) !== options.apiKey) return refuse(401, invalidKey(vendor.keyOf(request)));
    vendor.upgrade({ req, socket, head, request, fault, standIn: this });
  }

  private async serve(vendor: Vendor, options: StandInOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = this.record(req, await readBody(req));
    const fault = this.faults.shift();
    if (fault && 'hang' in fault) return;
    await sleep(this.latency.firstByteMs);
    if (fault && 'status' in fault) return sendJson(res, fault.status, vendor.errorBody(fault.status, fault.message ?? 'injected failure'));
    if (options.apiKey !== undefined && vendor.keyOf(request) !== options.apiKey) {
      return sendJson(res, 401, vendor.errorBody(401, invalidKey(vendor.keyOf(request))));
    }
    const reply = await vendor.handle(request);
    if ('json' in reply) return sendJson(res, 200, reply.json);
    res.writeHead(200, { 'content-type': reply.contentType });
    res.flushHeaders();
    for (const [index, chunk] of reply.chunks.entries()) {
      if (fault && 'dropAfterChunks' in fault && index === fault.dropAfterChunks) {
        res.destroy();
        return;
      }
      if (index > 0) await sleep(this.latency.chunkMs);
      if (res.destroyed) return;
      res.write(chunk);
    }
    res.end();
  }
}

/** Vendors quote the key they got (OpenAI: "Incorrect API key provided: sk-..."); clients must not pass it on. */
const invalidKey = (key: string | undefined) => `Incorrect API key provided: ${key ?? '(none)'}`;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return undefined;
  if (type.startsWith('application/json')) return JSON.parse(raw.toString('utf8'));
  if (type.startsWith('multipart/form-data')) return readMultipart(raw, type);
  return new Uint8Array(raw);
}

async function readMultipart(raw: Buffer, contentType: string): Promise<MultipartBody> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const body: MultipartBody = { fields: {}, files: {} };
  for (const [name, value] of form) {
    if (typeof value === 'string') body.fields[name] = value;
    else body.files[name] = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
