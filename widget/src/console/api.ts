// The console's HTTP client for Haven's console API (protocol.md §11.5). Every call returns a
// result instead of throwing: the caller branches on `error.code`, shows a sentence from its own
// catalog, and never has to parse an exception. Responses are read strictly (hex lengths,
// types); a response that does not read is `bad_response`, a request that never got an answer
// `network`.
//
// The session cookie is HttpOnly and set by the server: this module never sees it. `fetch` is
// injected so the tests can play the server.

import { fromHex, toHex } from '../e2e/bytes';
import { isObject, str, type Json } from '../shared/json_fields';

/** Codes from §11.5 and auth (server) plus the two this client adds. */
export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_code'
  | 'wrong_credentials'
  | 'code_used'
  | 'locked_out'
  | 'no_session'
  | 'not_active'
  | 'not_allowed'
  | 'storage_unavailable'
  | 'busy'
  | 'network'
  | 'bad_response'
  | 'unknown';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** HTTP status, 0 when there was no response. */
  readonly status: number;
  /** Seconds to wait (locked_out, from Retry-After), or 0. */
  readonly retryAfterSeconds: number;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export type Role = 'counselor' | 'supervisor';

export interface EnrolmentStarted {
  readonly handle: string;
  readonly code: string;
  readonly displayName: string;
  readonly salt: Uint8Array;
  /** otpauth:// URI, for the QR code. */
  readonly totpUri: string;
  /** Base32, for typing into an authenticator by hand. */
  readonly totpSecret: string;
}

export interface EnrolmentFinish {
  readonly handle: string;
  readonly code: string;
  readonly loginKey: Uint8Array;
  readonly identityPublicKey: Uint8Array;
  readonly wrappedIdentity: Uint8Array;
  readonly totp: string;
}

export interface Account {
  readonly handle: string;
  readonly name: string;
  readonly role: Role;
  readonly languages: readonly string[];
  readonly skills: readonly string[];
  readonly maxChats: number;
}

export interface LoggedInAccount extends Account {
  readonly wrappedIdentity: Uint8Array;
  readonly certificate: Uint8Array;
}

export type StatsGroup = 'week' | 'month';

/** The one-dimension tables of a report, in the server's order (§11.5). */
export const kStatsDimensions = ['conversations', 'category', 'age_band', 'language', 'outcome'] as const;
export type StatsDimension = (typeof kStatsDimensions)[number];

export interface StatsCount {
  readonly period: string;
  /** The code counted ("" in the conversations table). */
  readonly value: string;
  /** null: suppressed by the server (a small count, or one that would give a small count away). */
  readonly count: number | null;
}

export interface StatsTable {
  readonly dimension: StatsDimension;
  readonly rows: readonly StatsCount[];
}

export interface StatsHistogram {
  readonly period: string;
  readonly kind: 'wait' | 'handling';
  readonly boundsSeconds: readonly number[];
  readonly counts: readonly (number | null)[];
}

export interface StatsReport {
  /** Every week ("2026-W10") or month ("2026-03") asked for, in order. */
  readonly periods: readonly string[];
  readonly tables: readonly StatsTable[];
  readonly histograms: readonly StatsHistogram[];
}

export interface StatsQuery {
  /** ISO weeks, "2025-W03". */
  readonly from: string;
  readonly to: string;
  readonly group: StatsGroup;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const kKnownCodes: readonly ApiErrorCode[] = [
  'bad_request',
  'invalid_code',
  'wrong_credentials',
  'code_used',
  'locked_out',
  'no_session',
  'not_active',
  'not_allowed',
  'storage_unavailable',
  'busy',
];

/** How often a call answered 503 busy is made again, after its Retry-After, before it fails. */
const kBusyRetries = 2;

function failure<T>(code: ApiErrorCode, status = 0, retryAfterSeconds = 0): ApiResult<T> {
  return { ok: false, error: { code, status, retryAfterSeconds } };
}

function hexBytes(record: Json, key: string, length?: number): Uint8Array | null {
  const value = str(record, key);
  const bytes = value === null ? null : fromHex(value);
  if (bytes === null || bytes.length === 0 || (length !== undefined && bytes.length !== length)) return null;
  return bytes;
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((item) => typeof item === 'string') ? (value as string[]) : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/** Reads the fields every account answer has (login, /api/me). */
export function readAccount(value: unknown): Account | null {
  if (!isObject(value)) return null;
  const handle = str(value, 'handle');
  const name = str(value, 'name');
  const role = str(value, 'role');
  const languages = stringList(value['languages'] ?? []);
  const skills = stringList(value['skills'] ?? []);
  const maxChats = count(value['max_chats'] ?? 2);
  if (handle === null || name === null || (role !== 'counselor' && role !== 'supervisor')) return null;
  if (languages === null || skills === null || maxChats === null) return null;
  return { handle, name, role, languages, skills, maxChats };
}

function readStatsCount(value: unknown, periods: readonly string[]): StatsCount | null {
  if (!isObject(value)) return null;
  const period = str(value, 'period');
  const code = str(value, 'value');
  const raw = value['count'];
  const shown = raw === null ? null : count(raw);
  if (period === null || !periods.includes(period) || code === null || (raw !== null && shown === null)) return null;
  return { period, value: code, count: shown };
}

function readStatsTable(value: unknown, periods: readonly string[]): StatsTable | null {
  if (!isObject(value) || !Array.isArray(value['rows'])) return null;
  const dimension = str(value, 'dimension');
  if (dimension === null || !(kStatsDimensions as readonly string[]).includes(dimension)) return null;
  const rows = value['rows'].map((row: unknown) => readStatsCount(row, periods));
  if (rows.some((row) => row === null)) return null;
  return { dimension: dimension as StatsDimension, rows: rows as StatsCount[] };
}

function readHistogram(value: unknown): StatsHistogram | null {
  if (!isObject(value)) return null;
  const period = str(value, 'period');
  const kind = str(value, 'kind');
  const bounds = value['bounds_seconds'];
  const counts = value['counts'];
  if (period === null || (kind !== 'wait' && kind !== 'handling') || !Array.isArray(bounds) || !Array.isArray(counts)) return null;
  const boundsSeconds = bounds.map(count);
  const values = counts.map((item: unknown) => (item === null ? null : count(item)));
  if (boundsSeconds.some((bound) => bound === null) || counts.some((item: unknown, i) => item !== null && values[i] === null)) return null;
  return { period, kind, boundsSeconds: boundsSeconds as number[], counts: values };
}

/** Reads a GET /api/stats answer; null if anything in it does not read. */
export function readStatsReport(value: unknown): StatsReport | null {
  if (!isObject(value) || !Array.isArray(value['tables'])) return null;
  const periods = stringList(value['periods']);
  if (periods === null) return null;
  const tables = value['tables'].map((table: unknown) => readStatsTable(table, periods));
  const rawHistograms = value['histograms'] ?? [];
  if (!Array.isArray(rawHistograms)) return null;
  const histograms = rawHistograms.map(readHistogram);
  if (tables.some((table) => table === null) || histograms.some((histogram) => histogram === null)) return null;
  return { periods, tables: tables as StatsTable[], histograms: histograms as StatsHistogram[] };
}

export class ConsoleApi {
  /** `base`: Haven's origin ("" for the page's own). */
  constructor(
    private readonly fetch_: FetchLike,
    private readonly base_ = '',
  ) {}

  async enrolStart(handle: string, code: string): Promise<ApiResult<EnrolmentStarted>> {
    const answer = await this.post('/api/enrol/start', { handle, code });
    if (!answer.ok) return answer;
    const body = answer.value;
    const displayName = str(body, 'display_name');
    const salt = hexBytes(body, 'salt', 16);
    const totpUri = str(body, 'totp_uri');
    const totpSecret = str(body, 'totp_secret');
    if (displayName === null || salt === null || totpUri === null || totpSecret === null || !totpUri.startsWith('otpauth://')) {
      return failure('bad_response', 200);
    }
    return { ok: true, value: { handle, code, displayName, salt, totpUri, totpSecret } };
  }

  async enrolFinish(enrolment: EnrolmentFinish): Promise<ApiResult<true>> {
    const answer = await this.post('/api/enrol/finish', {
      handle: enrolment.handle,
      code: enrolment.code,
      login_key: toHex(enrolment.loginKey),
      identity_public_key: toHex(enrolment.identityPublicKey),
      wrapped_identity: toHex(enrolment.wrappedIdentity),
      totp: enrolment.totp,
    });
    if (!answer.ok) return answer;
    return str(answer.value, 'status') === 'enrolled' ? { ok: true, value: true } : failure('bad_response', 200);
  }

  async loginSalt(handle: string): Promise<ApiResult<Uint8Array>> {
    const answer = await this.post('/api/login/salt', { handle });
    if (!answer.ok) return answer;
    const salt = hexBytes(answer.value, 'salt', 16);
    return salt === null ? failure('bad_response', 200) : { ok: true, value: salt };
  }

  async login(handle: string, loginKey: Uint8Array, totp: string): Promise<ApiResult<LoggedInAccount>> {
    const answer = await this.post('/api/login', { handle, login_key: toHex(loginKey), totp });
    if (!answer.ok) return answer;
    const account = readAccount(answer.value);
    const wrappedIdentity = hexBytes(answer.value, 'wrapped_identity');
    const certificate = hexBytes(answer.value, 'certificate');
    if (account === null || wrappedIdentity === null || certificate === null) return failure('bad_response', 200);
    return { ok: true, value: { ...account, wrappedIdentity, certificate } };
  }

  /** A single-use WebSocket ticket (hex), minted over the session cookie. */
  async ticket(): Promise<ApiResult<string>> {
    const answer = await this.post('/api/ticket', {});
    if (!answer.ok) return answer;
    const ticket = str(answer.value, 'ticket');
    return ticket !== null && /^[0-9a-f]{64}$/.test(ticket) ? { ok: true, value: ticket } : failure('bad_response', 200);
  }

  /** Ends the session; the server answers with Clear-Site-Data and an expired cookie. */
  async logout(): Promise<ApiResult<true>> {
    const answer = await this.post('/api/logout', {});
    return answer.ok ? { ok: true, value: true } : answer;
  }

  async me(): Promise<ApiResult<Account>> {
    const answer = await this.get('/api/me');
    if (!answer.ok) return answer;
    const account = readAccount(answer.value);
    return account === null ? failure('bad_response', 200) : { ok: true, value: account };
  }

  async stats(query: StatsQuery): Promise<ApiResult<StatsReport>> {
    const answer = await this.get(`/api/stats?${statsSearch(query)}`);
    if (!answer.ok) return answer;
    const report = readStatsReport(answer.value);
    return report === null ? failure('bad_response', 200) : { ok: true, value: report };
  }

  /** The tables as CSV, exactly as the server wrote them (suppressed counts "suppressed"). */
  async statsCsv(query: StatsQuery): Promise<ApiResult<string>> {
    const response = await this.request(`/api/stats.csv?${statsSearch(query)}`, { method: 'GET' });
    if (!response.ok) return response;
    if (!response.value.ok) return this.errorOf(response.value);
    try {
      return { ok: true, value: await response.value.text() };
    } catch {
      return failure('network');
    }
  }

  private post(path: string, body: Json): Promise<ApiResult<Json>> {
    return this.json(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private get(path: string): Promise<ApiResult<Json>> {
    return this.json(path, { method: 'GET' });
  }

  private async json(path: string, init: RequestInit, attempt = 0): Promise<ApiResult<Json>> {
    const response = await this.request(path, init);
    if (!response.ok) return response;
    if (!response.value.ok) {
      const error = await this.errorOf<Json>(response.value);
      // 503 busy: the server's queue for this kind of work was full (a login storm, say). Asked
      // again after its Retry-After, twice, before the counselor is told.
      if (!error.ok && error.error.code === 'busy' && attempt < kBusyRetries) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5, Math.max(1, error.error.retryAfterSeconds)) * 1000));
        return this.json(path, init, attempt + 1);
      }
      return error;
    }
    try {
      const body: unknown = await response.value.json();
      return isObject(body) ? { ok: true, value: body } : failure('bad_response', response.value.status);
    } catch {
      return failure('bad_response', response.value.status);
    }
  }

  private async request(path: string, init: RequestInit): Promise<ApiResult<Response>> {
    try {
      const response = await this.fetch_(this.base_ + path, { ...init, credentials: 'same-origin', cache: 'no-store' });
      return { ok: true, value: response };
    } catch {
      return failure('network');
    }
  }

  private async errorOf<T>(response: Response): Promise<ApiResult<T>> {
    let code: ApiErrorCode = 'unknown';
    try {
      const body: unknown = await response.json();
      const named = isObject(body) ? str(body, 'error') : null;
      if (named !== null && (kKnownCodes as readonly string[]).includes(named)) code = named as ApiErrorCode;
    } catch {
      // No JSON body: decided by the status below.
    }
    if (code === 'unknown') {
      if (response.status === 401) code = 'no_session';
      else if (response.status === 403) code = 'not_allowed';
      else if (response.status === 429) code = 'locked_out';
    }
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return failure(code, response.status, Number.isFinite(retry) && retry > 0 ? retry : 0);
  }
}

function statsSearch(query: StatsQuery): string {
  return new URLSearchParams({ from: query.from, to: query.to, group: query.group }).toString();
}
