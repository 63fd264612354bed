// The JSON control messages of /ws/visitor (protocol.md §11.1, §11.2): strict readers for what
// the server sends and writers for what the visitor sends. A message that does not read is
// ignored by the caller (the server is trusted with routing, never with content: nothing here
// can make the widget skip a verification step).

import { count, isHex, isObject, parseObject, str } from '../shared/json_fields';
import { readOrg, type OrgInfo } from '../shared/org_info';
import { fromHex } from '../e2e/bytes';
import { kMaxPuzzleBits, kMaxPuzzleSolutions, type JoinPuzzle } from './join_puzzle';

export type { OrgInfo } from '../shared/org_info';

export type AgeBand = 'under13' | '13-17' | '18-25' | '26-40' | '41-60' | '61+';
export const kAgeBands: readonly AgeBand[] = ['under13', '13-17', '18-25', '26-40', '41-60', '61+'];

/** The pre-chat answers; "" everywhere means "prefer not to say". */
export interface Profile {
  readonly language: 'bg' | 'en' | '';
  readonly age_band: AgeBand | '';
  readonly in_danger: 'yes' | 'no' | '';
}

export interface EmergencyNumber {
  readonly number: string;
  readonly label: { readonly bg: string; readonly en: string };
}

export interface CounselorRef {
  readonly handle: string;
  readonly name: string;
}

export type ServerMessage =
  | {
      readonly type: 'welcome';
      readonly protocol: number;
      readonly org: OrgInfo;
      readonly emergencyNumbers: readonly EmergencyNumber[];
      readonly maxTextBytes: number;
      /** The join must carry this puzzle's solution (§11.2); null when none was asked. */
      readonly puzzle: JoinPuzzle | null;
    }
  | { readonly type: 'joined'; readonly chatId: string; readonly resumeToken: string; readonly lane: string }
  | { readonly type: 'refused'; readonly reason: 'busy' | 'offline' | 'rate_limited' }
  | { readonly type: 'resumed'; readonly state: 'waiting' | 'active'; readonly leg: number; readonly counselor: CounselorRef | null }
  | { readonly type: 'queue'; readonly position: number; readonly estimate: { readonly low: number; readonly high: number } | null }
  | { readonly type: 'assigned'; readonly leg: number; readonly counselor: CounselorRef; readonly requeued: boolean }
  | { readonly type: 'requeued'; readonly nextLeg: number }
  | { readonly type: 'peer'; readonly connected: boolean }
  | { readonly type: 'ended'; readonly reason: 'counselor_ended' | 'visitor_lost' | 'expired' | 'abandoned' }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function counselorRef(value: unknown): CounselorRef | null {
  if (!isObject(value)) return null;
  const handle = str(value, 'handle');
  const name = str(value, 'name');
  return handle !== null && name !== null ? { handle, name } : null;
}

/** The `emergency_numbers` array of `welcome` and of GET /api/helpline; null if any entry is malformed. */
export function readEmergencyNumbers(value: unknown): EmergencyNumber[] | null {
  if (!Array.isArray(value)) return null;
  const out: EmergencyNumber[] = [];
  for (const item of value) {
    if (!isObject(item) || !isObject(item['label'])) return null;
    const number = str(item, 'number');
    const bg = str(item['label'], 'bg');
    const en = str(item['label'], 'en');
    if (number === null || bg === null || en === null) return null;
    out.push({ number, label: { bg, en } });
  }
  return out;
}

/** `welcome`'s puzzle: null when absent, undefined when malformed. */
function readPuzzle(value: unknown): JoinPuzzle | null | undefined {
  if (value === undefined) return null;
  if (!isObject(value)) return undefined;
  const challengeHex = str(value, 'challenge');
  const bits = count(value, 'bits');
  const solutions = count(value, 'solutions');
  const challenge = isHex(challengeHex, 32) ? fromHex(challengeHex) : null;
  if (challenge === null || bits === null || solutions === null) return undefined;
  if (bits < 1 || bits > kMaxPuzzleBits || solutions < 1 || solutions > kMaxPuzzleSolutions) return undefined;
  return { challenge, bits, solutions };
}

/** Reads one text message from the server; null if it is not a valid §11.2 message. */
export function parseServerMessage(text: string): ServerMessage | null {
  const value = parseObject(text);
  if (value === null) return null;
  switch (value['type']) {
    case 'welcome': {
      const protocol = count(value, 'protocol');
      const org = readOrg(value['org']);
      const emergencyNumbers = readEmergencyNumbers(value['emergency_numbers']);
      const limits = value['limits'];
      const maxTextBytes = isObject(limits) ? count(limits, 'max_text_bytes') : null;
      const puzzle = readPuzzle(value['puzzle']);
      if (protocol === null || org === null || emergencyNumbers === null || puzzle === undefined) return null;
      return { type: 'welcome', protocol, org, emergencyNumbers, maxTextBytes: maxTextBytes ?? 4000, puzzle };
    }
    case 'joined': {
      const chatId = str(value, 'chat_id');
      const resumeToken = str(value, 'resume_token');
      const lane = str(value, 'lane');
      if (!isHex(chatId, 16) || !isHex(resumeToken, 32) || lane === null) return null;
      return { type: 'joined', chatId, resumeToken, lane };
    }
    case 'refused': {
      const reason = oneOf(str(value, 'reason'), ['busy', 'offline', 'rate_limited'] as const);
      return reason === null ? null : { type: 'refused', reason };
    }
    case 'resumed': {
      const state = oneOf(str(value, 'state'), ['waiting', 'active'] as const);
      const leg = count(value, 'leg');
      const counselor = value['counselor'] === undefined ? null : counselorRef(value['counselor']);
      if (state === null || leg === null || (value['counselor'] !== undefined && counselor === null)) return null;
      return { type: 'resumed', state, leg, counselor };
    }
    case 'queue': {
      const position = count(value, 'position');
      const raw = value['estimate'];
      if (position === null || raw === undefined) return null;
      if (raw === null) return { type: 'queue', position, estimate: null };
      if (!isObject(raw)) return null;
      const low = count(raw, 'low_minutes');
      const high = count(raw, 'high_minutes');
      if (low === null || high === null) return null;
      return { type: 'queue', position, estimate: { low: Math.min(low, high), high: Math.max(low, high) } };
    }
    case 'assigned': {
      const leg = count(value, 'leg');
      const counselor = counselorRef(value['counselor']);
      const requeued = value['requeued'];
      if (leg === null || counselor === null || typeof requeued !== 'boolean') return null;
      return { type: 'assigned', leg, counselor, requeued };
    }
    case 'requeued': {
      const nextLeg = count(value, 'next_leg');
      return nextLeg === null ? null : { type: 'requeued', nextLeg };
    }
    case 'peer': {
      const connected = value['connected'];
      return typeof connected === 'boolean' ? { type: 'peer', connected } : null;
    }
    case 'ended': {
      const reason = oneOf(str(value, 'reason'), ['counselor_ended', 'visitor_lost', 'expired', 'abandoned'] as const);
      return reason === null ? null : { type: 'ended', reason };
    }
    case 'error': {
      const code = str(value, 'code');
      const message = str(value, 'message');
      return code === null ? null : { type: 'error', code, message: message ?? '' };
    }
    default:
      return null;
  }
}

/** `solution`: the nonces of the welcome's puzzle, when it asked for them. */
export function joinMessage(profile: Profile, solution: readonly number[] | null = null): string {
  return JSON.stringify(solution === null ? { type: 'join', profile } : { type: 'join', profile, solution });
}

export function resumeMessage(chatId: string, resumeToken: string): string {
  return JSON.stringify({ type: 'resume', chat_id: chatId, resume_token: resumeToken });
}

export function leaveMessage(): string {
  return JSON.stringify({ type: 'leave' });
}
