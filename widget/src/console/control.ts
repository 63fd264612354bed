// The JSON control messages of /ws/counselor (protocol.md §11.1, §11.3, §11.4): strict readers
// for what the server sends and writers for what the counselor sends. A message that does not
// read is ignored by the caller. Nothing here reaches the E2E layer: the server routes, it never
// decides what a counselor's browser trusts (colleague certificates are verified in transfer.ts).

import { fromHex } from '../e2e/bytes';
import { bool, count, isHex, isObject, parseObject, str, type Json } from '../shared/json_fields';
import { readOrg, type OrgInfo } from '../shared/org_info';

export type { OrgInfo } from '../shared/org_info';

export type Lane = 'danger' | 'minor' | 'general';
export type DutyState = 'off_duty' | 'available' | 'away';
export type ChatState = 'active' | 'transferring' | 'ended';

/** Nothing else exists about a waiting visitor (ARCHITECTURE §5). */
export interface VisitorSummary {
  readonly lane: string;
  readonly language: string;
  readonly ageBand: string;
}

export interface ReadyChat extends VisitorSummary {
  readonly chatId: string;
  readonly leg: number;
  readonly state: ChatState;
}

export interface WrapUpTaxonomy {
  readonly categories: readonly string[];
  readonly outcomes: readonly string[];
}

export interface CannedReplies {
  readonly bg: readonly string[];
  readonly en: readonly string[];
}

export interface Colleague {
  readonly handle: string;
  readonly name: string;
  readonly available: boolean;
  readonly certificate: string;
}

export interface OperatorSnapshot {
  readonly at: number;
  readonly waiting: { readonly danger: number; readonly minor: number; readonly general: number };
  readonly longestWaitSeconds: number;
  readonly medianWaitSeconds: number;
  readonly estimate: { readonly lowMinutes: number; readonly highMinutes: number } | null;
  readonly counselorsOnDuty: number;
  readonly counselorsAvailable: number;
  readonly capacity: number;
  readonly freeCapacity: number;
  readonly activeChats: number;
  readonly answeredLastHour: number;
  readonly abandonedLastHour: number;
  /** 0..1, or null when nothing was answered or abandoned in 24 h. */
  readonly serviceLevel: number | null;
  readonly serviceLevelTargetSeconds: number;
  readonly history: readonly HistoryBucket[];
}

export interface HistoryBucket {
  readonly at: number;
  readonly waiting: number;
  readonly active: number;
  readonly answered: number;
  readonly abandoned: number;
}

/** The wrap-up codes of helpline.wrap_up_categories / _outcomes when the server names none. */
export const kDefaultTaxonomy: WrapUpTaxonomy = {
  categories: [
    'physical_violence',
    'psychological_violence',
    'sexual_violence',
    'economic_violence',
    'stalking',
    'online_violence',
    'child_witness',
    'child_abuse',
    'neglect',
    'family_relationships',
    'mental_health',
    'information_request',
    'other',
  ],
  outcomes: ['support_given', 'safety_plan', 'information_given', 'referred', 'emergency_services', 'disconnected', 'left_suddenly', 'not_applicable'],
};

export type ServerMessage =
  | {
      readonly type: 'ready';
      readonly handle: string;
      readonly name: string;
      readonly role: 'counselor' | 'supervisor';
      readonly maxChats: number;
      readonly org: OrgInfo;
      readonly chats: readonly ReadyChat[];
      readonly cannedReplies: CannedReplies;
      readonly wrapUp: WrapUpTaxonomy;
    }
  | { readonly type: 'status'; readonly state: DutyState; readonly load: number; readonly capacity: number }
  | {
      readonly type: 'queue_overview';
      /** The head of the queue in service order (at most 100 entries). */
      readonly waiting: readonly (VisitorSummary & { readonly waitedSeconds: number })[];
      /** How many wait in all. */
      readonly total: number;
    }
  | (VisitorSummary & { readonly type: 'offer'; readonly chatId: string; readonly waitedSeconds: number; readonly expiresInMs: number })
  | { readonly type: 'offer_withdrawn'; readonly chatId: string; readonly reason: string }
  | (VisitorSummary & { readonly type: 'assigned'; readonly chatId: string; readonly leg: number; readonly requeued: boolean })
  | { readonly type: 'nothing_to_take' }
  | { readonly type: 'colleagues'; readonly list: readonly Colleague[] }
  | (VisitorSummary & {
      readonly type: 'transfer_offer';
      readonly chatId: string;
      readonly from: { readonly handle: string; readonly name: string };
      /** The leg we hold if we accept. */
      readonly leg: number;
      readonly expiresInMs: number;
      /** The sealed handover note (§8.1), when the colleague wrote one. */
      readonly note: Uint8Array | null;
    })
  | { readonly type: 'transfer_result'; readonly chatId: string; readonly to: string; readonly accepted: boolean }
  | { readonly type: 'peer'; readonly chatId: string; readonly connected: boolean }
  | { readonly type: 'ended'; readonly chatId: string; readonly reason: string }
  | { readonly type: 'wrap_up_saved'; readonly chatId: string }
  | { readonly type: 'released'; readonly chatId: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'rejected'; readonly code: string; readonly message: string; readonly chatId: string | null }
  | ({ readonly type: 'operator_snapshot' } & OperatorSnapshot);

function chatIdOf(record: Json): string | null {
  const value = str(record, 'chat_id');
  return isHex(value, 16) ? value : null;
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((item) => typeof item === 'string') ? (value as string[]) : null;
}

function summary(record: Json): VisitorSummary | null {
  const lane = str(record, 'lane');
  const language = str(record, 'language');
  const ageBand = str(record, 'age_band');
  return lane === null || language === null || ageBand === null ? null : { lane, language, ageBand };
}

function readReadyChat(value: unknown): ReadyChat | null {
  if (!isObject(value)) return null;
  const chatId = chatIdOf(value);
  const leg = count(value, 'leg');
  const state = str(value, 'state');
  const visitor = summary(value);
  if (chatId === null || leg === null || visitor === null || (state !== 'active' && state !== 'transferring' && state !== 'ended')) return null;
  return { chatId, leg, state, ...visitor };
}

function readCanned(value: unknown): CannedReplies {
  if (!isObject(value)) return { bg: [], en: [] };
  return { bg: stringList(value['bg']) ?? [], en: stringList(value['en']) ?? [] };
}

function readTaxonomy(value: unknown): WrapUpTaxonomy {
  if (!isObject(value)) return kDefaultTaxonomy;
  const categories = stringList(value['categories']);
  const outcomes = stringList(value['outcomes']);
  return {
    categories: categories !== null && categories.length > 0 ? categories : kDefaultTaxonomy.categories,
    outcomes: outcomes !== null && outcomes.length > 0 ? outcomes : kDefaultTaxonomy.outcomes,
  };
}

function readHistory(value: unknown): HistoryBucket[] | null {
  if (!Array.isArray(value)) return null;
  const out: HistoryBucket[] = [];
  for (const item of value) {
    if (!isObject(item)) return null;
    const at = count(item, 'at');
    const waiting = count(item, 'waiting');
    const active = count(item, 'active');
    const answered = count(item, 'answered');
    const abandoned = count(item, 'abandoned');
    if (at === null || waiting === null || active === null || answered === null || abandoned === null) return null;
    out.push({ at, waiting, active, answered, abandoned });
  }
  return out;
}

/** Reads an operator_snapshot (§11.4); null if a field is missing or of the wrong type. */
export function readSnapshot(value: Json): OperatorSnapshot | null {
  const at = count(value, 'at');
  const waitingRaw = value['waiting'];
  if (at === null || !isObject(waitingRaw)) return null;
  const danger = count(waitingRaw, 'danger');
  const minor = count(waitingRaw, 'minor');
  const general = count(waitingRaw, 'general');
  const estimateRaw = value['estimate'];
  let estimate: OperatorSnapshot['estimate'] = null;
  if (estimateRaw !== null) {
    if (!isObject(estimateRaw)) return null;
    const low = count(estimateRaw, 'low_minutes');
    const high = count(estimateRaw, 'high_minutes');
    if (low === null || high === null) return null;
    estimate = { lowMinutes: Math.min(low, high), highMinutes: Math.max(low, high) };
  }
  const levelRaw = value['service_level'];
  const serviceLevel = typeof levelRaw === 'number' && levelRaw >= 0 && levelRaw <= 1 ? levelRaw : null;
  if (levelRaw !== null && serviceLevel === null) return null;
  const numbers = {
    longestWaitSeconds: count(value, 'longest_wait_seconds'),
    medianWaitSeconds: count(value, 'median_wait_seconds'),
    counselorsOnDuty: count(value, 'counselors_on_duty'),
    counselorsAvailable: count(value, 'counselors_available'),
    capacity: count(value, 'capacity'),
    freeCapacity: count(value, 'free_capacity'),
    activeChats: count(value, 'active_chats'),
    answeredLastHour: count(value, 'answered_last_hour'),
    abandonedLastHour: count(value, 'abandoned_last_hour'),
    serviceLevelTargetSeconds: count(value, 'service_level_target_seconds'),
  };
  const history = readHistory(value['history'] ?? []);
  if (danger === null || minor === null || general === null || history === null) return null;
  if (Object.values(numbers).some((number) => number === null)) return null;
  return {
    at,
    waiting: { danger, minor, general },
    estimate,
    serviceLevel,
    history,
    ...(numbers as { [K in keyof typeof numbers]: number }),
  };
}

/** Reads one text message from the server; null if it is not a valid §11.3/§11.4 message. */
export function parseServerMessage(text: string): ServerMessage | null {
  const value = parseObject(text);
  if (value === null) return null;
  switch (value['type']) {
    case 'ready': {
      const handle = str(value, 'handle');
      const name = str(value, 'name');
      const role = str(value, 'role');
      const maxChats = count(value, 'max_chats');
      const org = readOrg(value['org']);
      const rawChats = value['chats'] ?? [];
      const chats = Array.isArray(rawChats) ? rawChats.map(readReadyChat) : null;
      if (handle === null || name === null || (role !== 'counselor' && role !== 'supervisor') || maxChats === null || org === null) return null;
      if (chats === null || chats.some((chat) => chat === null)) return null;
      return {
        type: 'ready',
        handle,
        name,
        role,
        maxChats,
        org,
        chats: chats as ReadyChat[],
        cannedReplies: readCanned(value['canned_replies']),
        wrapUp: readTaxonomy(value['wrap_up']),
      };
    }
    case 'status': {
      const state = str(value, 'state');
      const load = count(value, 'load');
      const capacity = count(value, 'capacity');
      if ((state !== 'off_duty' && state !== 'available' && state !== 'away') || load === null || capacity === null) return null;
      return { type: 'status', state, load, capacity };
    }
    case 'queue_overview': {
      const raw = value['waiting'];
      if (!Array.isArray(raw)) return null;
      const waiting: (VisitorSummary & { waitedSeconds: number })[] = [];
      for (const item of raw) {
        if (!isObject(item)) return null;
        const visitor = summary(item);
        const waitedSeconds = count(item, 'waited_seconds');
        if (visitor === null || waitedSeconds === null) return null;
        waiting.push({ ...visitor, waitedSeconds });
      }
      const total = count(value, 'total');
      if (total === null || total < waiting.length) return null;
      return { type: 'queue_overview', waiting, total };
    }
    case 'offer': {
      const chatId = chatIdOf(value);
      const visitor = summary(value);
      const waitedSeconds = count(value, 'waited_seconds');
      const expiresInMs = count(value, 'expires_in_ms');
      if (chatId === null || visitor === null || waitedSeconds === null || expiresInMs === null) return null;
      return { type: 'offer', chatId, waitedSeconds, expiresInMs, ...visitor };
    }
    case 'offer_withdrawn': {
      const chatId = chatIdOf(value);
      const reason = str(value, 'reason');
      return chatId === null || reason === null ? null : { type: 'offer_withdrawn', chatId, reason };
    }
    case 'assigned': {
      const chatId = chatIdOf(value);
      const leg = count(value, 'leg');
      const visitor = summary(value);
      const requeued = bool(value, 'requeued') ?? false;
      if (chatId === null || leg === null || visitor === null) return null;
      return { type: 'assigned', chatId, leg, requeued, ...visitor };
    }
    case 'nothing_to_take':
      return { type: 'nothing_to_take' };
    case 'colleagues': {
      const raw = value['list'];
      if (!Array.isArray(raw)) return null;
      const list: Colleague[] = [];
      for (const item of raw) {
        if (!isObject(item)) return null;
        const handle = str(item, 'handle');
        const name = str(item, 'name');
        const available = bool(item, 'available');
        const certificate = str(item, 'certificate');
        if (handle === null || name === null || available === null || !isHex(certificate)) return null;
        list.push({ handle, name, available, certificate });
      }
      return { type: 'colleagues', list };
    }
    case 'transfer_offer': {
      const chatId = chatIdOf(value);
      const visitor = summary(value);
      const from = value['from'];
      const expiresInMs = count(value, 'expires_in_ms');
      const leg = count(value, 'leg');
      if (chatId === null || visitor === null || !isObject(from) || expiresInMs === null || leg === null) return null;
      const handle = str(from, 'handle');
      const name = str(from, 'name');
      if (handle === null || name === null) return null;
      const noteHex = value['note'] === undefined ? null : str(value, 'note');
      const note = noteHex === null ? null : fromHex(noteHex);
      if (value['note'] !== undefined && note === null) return null;
      return { type: 'transfer_offer', chatId, from: { handle, name }, leg, expiresInMs, note, ...visitor };
    }
    case 'transfer_result': {
      const chatId = chatIdOf(value);
      const to = str(value, 'to');
      const accepted = bool(value, 'accepted');
      if (chatId === null || to === null || accepted === null) return null;
      return { type: 'transfer_result', chatId, to, accepted };
    }
    case 'peer': {
      const chatId = chatIdOf(value);
      const connected = bool(value, 'connected');
      return chatId === null || connected === null ? null : { type: 'peer', chatId, connected };
    }
    case 'ended': {
      const chatId = chatIdOf(value);
      const reason = str(value, 'reason');
      return chatId === null || reason === null ? null : { type: 'ended', chatId, reason };
    }
    case 'wrap_up_saved':
    case 'released': {
      const chatId = chatIdOf(value);
      return chatId === null ? null : { type: value['type'], chatId };
    }
    case 'error': {
      const code = str(value, 'code');
      return code === null ? null : { type: 'error', code, message: str(value, 'message') ?? '' };
    }
    case 'rejected': {
      const code = str(value, 'code');
      if (code === null) return null;
      const chatId = value['chat_id'] === undefined ? null : chatIdOf(value);
      return { type: 'rejected', code, message: str(value, 'message') ?? '', chatId };
    }
    case 'operator_snapshot': {
      const snapshot = readSnapshot(value);
      return snapshot === null ? null : { type: 'operator_snapshot', ...snapshot };
    }
    default:
      return null;
  }
}

/** What the counselor sends (§11.3, §11.4). */
export type CounselorCommand =
  | { readonly type: 'auth'; readonly ticket: string }
  | { readonly type: 'duty'; readonly state: 'available' | 'away' | 'off' }
  | { readonly type: 'take_next' }
  | { readonly type: 'answer_offer'; readonly chat_id: string; readonly accept: boolean }
  | { readonly type: 'colleagues' }
  | { readonly type: 'transfer'; readonly chat_id: string; readonly to: string; readonly note?: string }
  | { readonly type: 'answer_transfer'; readonly chat_id: string; readonly accept: boolean }
  | { readonly type: 'end'; readonly chat_id: string }
  | { readonly type: 'release'; readonly chat_id: string }
  | {
      readonly type: 'wrap_up';
      readonly chat_id: string;
      readonly categories: readonly string[];
      readonly age_band: string;
      readonly outcome: string;
      readonly referral: boolean;
    }
  | { readonly type: 'watch' };

export function encodeCommand(command: CounselorCommand): string {
  return JSON.stringify(command);
}
