// An in-process stand-in for `haven serve`, for running the browser tests before (or besides)
// the real server: it serves the built web directory with the headers Haven is meant to send
// (immutable assets, the frame's CSP with frame-ancestors = the partner allow-list), and
// implements just enough of /ws/visitor and /ws/counselor (protocol.md §10, §11) to queue a
// visitor, give the chat to a counselor, relay envelopes without reading them, keep unacked
// frames for resume, and purge a chat on `leave`. It never looks inside a frame.
//
// Test hooks: `refusal` (answer `join` with refused busy/offline), `estimate`, and
// `dropVisitors()` (cut every visitor connection, to exercise resume).

import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Duplex } from 'node:stream';
import { toHex } from '../../src/e2e/bytes';
import { parseEnvelope } from '../../src/e2e/envelope';
import { orgMessage, type TestOrg } from './test_org';
import { acceptUpgrade, type WireSocket } from './websocket_wire';

const kContentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const kDefaultCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function frameCsp(partners: readonly string[]): string {
  return (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    `connect-src 'self'; frame-ancestors ${partners.join(' ') || "'none'"}; base-uri 'none'; form-action 'none'`
  );
}

interface CounselorSession {
  readonly socket: WireSocket;
  readonly handle: string;
  readonly name: string;
}

interface Chat {
  readonly id: string;
  readonly token: string;
  readonly profile: Record<string, string>;
  visitor: WireSocket | null;
  counselor: CounselorSession | null;
  leg: number;
  state: 'waiting' | 'active';
  /** Unacknowledged frames per direction, keyed "leg:seq". */
  readonly v2c: Map<string, Uint8Array>;
  readonly c2v: Map<string, Uint8Array>;
}

export interface FakeHavenOptions {
  readonly webDir: string;
  readonly org: TestOrg;
  readonly partnerOrigins: readonly string[];
}

export class FakeHaven {
  refusal: 'busy' | 'offline' | null = null;
  estimate: { low_minutes: number; high_minutes: number } | null = { low_minutes: 2, high_minutes: 6 };
  private readonly server_: Server;
  private readonly chats_ = new Map<string, Chat>();
  private readonly tickets_ = new Map<string, { handle: string; name: string }>();
  private readonly sockets_ = new Set<Duplex>();
  private origin_ = '';

  private constructor(private readonly options_: FakeHavenOptions) {
    this.server_ = createServer((request, response) => this.serveHttp(request, response));
    this.server_.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.server_.on('connection', (socket) => {
      this.sockets_.add(socket);
      socket.on('close', () => this.sockets_.delete(socket));
    });
  }

  static async start(options: FakeHavenOptions): Promise<FakeHaven> {
    const haven = new FakeHaven(options);
    await new Promise<void>((resolve) => haven.server_.listen(0, '127.0.0.1', resolve));
    haven.origin_ = `http://127.0.0.1:${(haven.server_.address() as AddressInfo).port}`;
    return haven;
  }

  get origin(): string {
    return this.origin_;
  }

  /** A single-use ticket for /ws/counselor (the real server mints these with POST /api/ticket). */
  issueTicket(handle: string, name: string): string {
    const ticket = randomBytes(32).toString('hex');
    this.tickets_.set(ticket, { handle, name });
    return ticket;
  }

  /** Cuts every visitor connection: 1006 (no close frame) or the given close code. */
  dropVisitors(code: 1006 | 1012 = 1006): void {
    for (const chat of this.chats_.values()) {
      if (code === 1006) chat.visitor?.destroy();
      else chat.visitor?.close(code);
      chat.visitor = null;
    }
  }

  /** Forgets every chat, as if its resume window had passed: a resume gets unknown_chat. */
  forgetChats(): void {
    this.chats_.clear();
  }

  get chatCount(): number {
    return this.chats_.size;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets_) socket.destroy();
    await new Promise<void>((resolve) => this.server_.close(() => resolve()));
  }

  private serveHttp(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const relative = normalize(path === '/' ? 'index.html' : path.slice(1));
    const contentType = kContentTypes[extname(relative)];
    const file = join(this.options_.webDir, relative);
    if (relative.startsWith('..') || contentType === undefined || !isFile(file)) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': kDefaultCsp });
      response.end('not found\n');
      return;
    }
    let body: Buffer = readFileSync(file);
    if (relative === 'index.html') body = Buffer.from(body.toString('utf8').replace('{{HAVEN_ORG_FINGERPRINT}}', this.options_.org.fingerprint));
    response.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': body.length,
      'Cache-Control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'Content-Security-Policy': relative === 'widget/frame.html' ? frameCsp(this.options_.partnerOrigins) : kDefaultCsp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': relative.startsWith('assets/loader.') ? 'cross-origin' : 'same-origin',
      'Access-Control-Allow-Origin': relative.startsWith('assets/loader.') ? '*' : this.origin_,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.headers.origin !== this.origin_ || (path !== '/ws/visitor' && path !== '/ws/counselor')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ws = acceptUpgrade(request, socket, head);
    if (path === '/ws/visitor') this.visitor(ws);
    else this.counselor(ws);
  }

  private visitor(ws: WireSocket): void {
    let chat: Chat | null = null;
    ws.sendText(
      JSON.stringify({
        type: 'welcome',
        protocol: 1,
        org: orgMessage(this.options_.org),
        emergency_numbers: [
          { number: '112', label: { bg: 'Спешна помощ – денонощно, безплатно', en: 'Emergency – day and night, free' } },
          { number: '116 111', label: { bg: 'Национална телефонна линия за деца', en: 'National helpline for children' } },
        ],
        limits: { max_text_bytes: 4000, max_message_bytes: 4400 },
      }),
    );
    ws.on('message', (message) => {
      if (message.kind === 'binary') {
        if (chat !== null) this.fromVisitor(chat, message.bytes);
        return;
      }
      const control = JSON.parse(message.text) as Record<string, unknown>;
      switch (control['type']) {
        case 'join': {
          if (this.refusal !== null) {
            ws.sendText(JSON.stringify({ type: 'refused', reason: this.refusal }));
            ws.close(1000);
            return;
          }
          const id = randomBytes(16).toString('hex');
          chat = { id, token: randomBytes(32).toString('hex'), profile: control['profile'] as Record<string, string>, visitor: ws, counselor: null, leg: 0, state: 'waiting', v2c: new Map(), c2v: new Map() };
          this.chats_.set(id, chat);
          ws.sendText(JSON.stringify({ type: 'joined', chat_id: id, resume_token: chat.token, lane: chat.profile['in_danger'] === 'yes' ? 'danger' : 'general' }));
          ws.sendText(JSON.stringify({ type: 'queue', position: this.waitingPosition(chat), estimate: this.estimate }));
          return;
        }
        case 'resume': {
          const found = this.chats_.get(control['chat_id'] as string);
          if (found === undefined || found.token !== control['resume_token']) {
            ws.sendText(JSON.stringify({ type: 'error', code: 'unknown_chat', message: 'There is no such chat.' }));
            ws.close(1000);
            return;
          }
          chat = found;
          chat.visitor = ws;
          const counselor = chat.counselor === null ? {} : { counselor: { handle: chat.counselor.handle, name: chat.counselor.name } };
          ws.sendText(JSON.stringify({ type: 'resumed', state: chat.state, leg: chat.leg, ...counselor }));
          for (const bytes of chat.c2v.values()) ws.sendBinary(bytes);
          return;
        }
        case 'leave':
          if (chat !== null) this.endChat(chat, 'visitor_left');
          ws.close(1000);
      }
    });
    ws.on('close', () => {
      if (chat !== null && chat.visitor === ws) chat.visitor = null;
    });
  }

  private counselor(ws: WireSocket): void {
    let session: CounselorSession | null = null;
    ws.on('message', (message) => {
      if (message.kind === 'binary') {
        if (session !== null) this.fromCounselor(message.bytes);
        return;
      }
      const control = JSON.parse(message.text) as Record<string, unknown>;
      if (session === null) {
        const who = control['type'] === 'auth' ? this.tickets_.get(control['ticket'] as string) : undefined;
        if (who === undefined) {
          ws.sendText(JSON.stringify({ type: 'error', code: 'auth_failed', message: 'The ticket is not valid.' }));
          ws.close(4001);
          return;
        }
        this.tickets_.delete(control['ticket'] as string);
        session = { socket: ws, ...who };
        ws.sendText(JSON.stringify({ type: 'ready', handle: who.handle, name: who.name, role: 'counselor', max_chats: 2, org: orgMessage(this.options_.org), chats: [] }));
        return;
      }
      switch (control['type']) {
        case 'duty':
          ws.sendText(JSON.stringify({ type: 'status', state: control['state'] === 'off' ? 'off_duty' : control['state'], load: 0, capacity: 2 }));
          return;
        case 'take_next': {
          const next = [...this.chats_.values()].find((chat) => chat.state === 'waiting');
          if (next === undefined) {
            ws.sendText(JSON.stringify({ type: 'nothing_to_take' }));
            return;
          }
          next.state = 'active';
          next.counselor = session;
          const profile = next.profile;
          ws.sendText(JSON.stringify({ type: 'assigned', chat_id: next.id, leg: next.leg, lane: 'general', language: profile['language'] ?? '', age_band: profile['age_band'] ?? '', requeued: false }));
          next.visitor?.sendText(JSON.stringify({ type: 'assigned', leg: next.leg, counselor: { handle: session.handle, name: session.name }, requeued: false }));
          for (const bytes of next.v2c.values()) ws.sendBinary(bytes);
          return;
        }
        case 'end': {
          const chat = this.chats_.get(control['chat_id'] as string);
          if (chat === undefined || chat.counselor !== session) return;
          chat.visitor?.sendText(JSON.stringify({ type: 'ended', reason: 'counselor_ended' }));
          chat.visitor?.close(1000);
          this.chats_.delete(chat.id);
          ws.sendText(JSON.stringify({ type: 'ended', chat_id: chat.id, reason: 'counselor_ended' }));
        }
      }
    });
  }

  private fromVisitor(chat: Chat, bytes: Uint8Array): void {
    const envelope = parseEnvelope(bytes);
    if (!envelope.ok || toHex(envelope.value.chatId) !== chat.id) return;
    const { type, leg, seq } = envelope.value;
    if (type === 'data') {
      chat.v2c.set(`${leg}:${seq}`, bytes);
      if (chat.state === 'active' && leg === chat.leg) chat.counselor?.socket.sendBinary(bytes);
    } else {
      if (type === 'ack') dropUpTo(chat.c2v, leg, seq);
      chat.counselor?.socket.sendBinary(bytes);
    }
  }

  private fromCounselor(bytes: Uint8Array): void {
    const envelope = parseEnvelope(bytes);
    if (!envelope.ok) return;
    const chat = this.chats_.get(toHex(envelope.value.chatId));
    if (chat === undefined) return;
    const { type, leg, seq } = envelope.value;
    if (type === 'data') chat.c2v.set(`${leg}:${seq}`, bytes);
    else if (type === 'ack') dropUpTo(chat.v2c, leg, seq);
    chat.visitor?.sendBinary(bytes);
  }

  private endChat(chat: Chat, reason: string): void {
    this.chats_.delete(chat.id);
    chat.counselor?.socket.sendText(JSON.stringify({ type: 'ended', chat_id: chat.id, reason }));
  }

  private waitingPosition(chat: Chat): number {
    return [...this.chats_.values()].filter((other) => other.state === 'waiting').indexOf(chat) + 1;
  }
}

function dropUpTo(frames: Map<string, Uint8Array>, leg: number, seq: number): void {
  for (const key of [...frames.keys()]) {
    const [frameLeg, frameSeq] = key.split(':').map(Number);
    if (frameLeg === leg && (frameSeq ?? 0) <= seq) frames.delete(key);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
