import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsoleApi, readStatsReport, type FetchLike } from '../../src/console/api';

type Handler = (path: string, init: RequestInit) => Response | Promise<Response>;

function api(handler: Handler): { api: ConsoleApi; calls: { path: string; init: RequestInit }[] } {
  const calls: { path: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    calls.push({ path: input, init });
    return handler(input, init);
  };
  return { api: new ConsoleApi(fetch), calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const hex = (bytes: number, fill = 'ab') => fill.repeat(bytes);

test('POSTs are JSON with the session cookie left to the browser', async () => {
  const { api: client, calls } = api(() => json(200, { salt: hex(16) }));
  const salt = await client.loginSalt('c-1');
  assert.ok(salt.ok && salt.value.length === 16);
  assert.equal(calls[0]!.path, '/api/login/salt');
  assert.equal(calls[0]!.init.method, 'POST');
  assert.equal(calls[0]!.init.credentials, 'same-origin');
  assert.deepEqual(calls[0]!.init.headers, { 'Content-Type': 'application/json' });
  assert.equal(calls[0]!.init.body, JSON.stringify({ handle: 'c-1' }));
});

test('login reads the account strictly', async () => {
  const good = { handle: 'c-1', name: 'Анна', role: 'supervisor', languages: ['bg'], skills: [], max_chats: 3, wrapped_identity: hex(72), certificate: hex(150) };
  const ok = await api(() => json(200, good)).api.login('c-1', new Uint8Array(32), '123456');
  assert.ok(ok.ok);
  assert.equal(ok.value.role, 'supervisor');
  assert.equal(ok.value.maxChats, 3);
  for (const broken of [{ ...good, role: 'admin' }, { ...good, wrapped_identity: 'XYZ' }, { ...good, certificate: 42 }, { ...good, handle: undefined }]) {
    const result = await api(() => json(200, broken)).api.login('c-1', new Uint8Array(32), '123456');
    assert.ok(!result.ok && result.error.code === 'bad_response', JSON.stringify(broken));
  }
});

test('errors: the server’s codes, Retry-After, statuses without a code, and no network', async () => {
  const wrong = await api(() => json(401, { error: 'wrong_credentials', message: '…' })).api.login('c', new Uint8Array(32), '000000');
  assert.deepEqual(wrong, { ok: false, error: { code: 'wrong_credentials', status: 401, retryAfterSeconds: 0 } });
  const locked = await api(() => json(429, { error: 'locked_out', message: '…' }, { 'Retry-After': '120' })).api.login('c', new Uint8Array(32), '000000');
  assert.deepEqual(locked, { ok: false, error: { code: 'locked_out', status: 429, retryAfterSeconds: 120 } });
  const inactive = await api(() => json(403, { error: 'not_active' })).api.login('c', new Uint8Array(32), '000000');
  assert.ok(!inactive.ok && inactive.error.code === 'not_active');
  const forbidden = await api(() => json(403, { error: 'not_allowed', message: 'Only supervisors may do that.' })).api.stats({ from: '2026-W01', to: '2026-W02', group: 'week' });
  assert.ok(!forbidden.ok && forbidden.error.code === 'not_allowed');
  const refused = await api(() => new Response('', { status: 403 })).api.stats({ from: '2026-W01', to: '2026-W02', group: 'week' });
  assert.ok(!refused.ok && refused.error.code === 'not_allowed', 'a 403 without a code');
  const html = await api(() => new Response('<html>', { status: 502 })).api.me();
  assert.ok(!html.ok && html.error.code === 'unknown' && html.error.status === 502);
  const expired = await api(() => new Response('', { status: 401 })).api.ticket();
  assert.ok(!expired.ok && expired.error.code === 'no_session');
  const offline = await api(() => Promise.reject(new TypeError('Failed to fetch'))).api.ticket();
  assert.deepEqual(offline, { ok: false, error: { code: 'network', status: 0, retryAfterSeconds: 0 } });
  const notJson = await api(() => new Response('nope', { status: 200 })).api.ticket();
  assert.ok(!notJson.ok && notJson.error.code === 'bad_response');
});

test('503 busy is asked again after its Retry-After, twice, then reported', async () => {
  let answers = 0;
  const { api: eventually, calls } = api(() => (++answers < 3 ? json(503, { error: 'busy', message: '…' }, { 'Retry-After': '1' }) : json(200, { ticket: hex(32) })));
  const started = Date.now();
  const ticket = await eventually.ticket();
  assert.ok(ticket.ok, 'the third try got through');
  assert.equal(calls.length, 3);
  assert.ok(Date.now() - started >= 1900, 'each retry waited its Retry-After');
  const { api: never, calls: tried } = api(() => json(503, { error: 'busy', message: '…' }, { 'Retry-After': '1' }));
  const busy = await never.ticket();
  assert.ok(!busy.ok && busy.error.code === 'busy' && busy.error.retryAfterSeconds === 1);
  assert.equal(tried.length, 3);
});

test('tickets must be 32 bytes of lowercase hex', async () => {
  assert.ok((await api(() => json(200, { ticket: hex(32, '0f') })).api.ticket()).ok);
  assert.ok(!(await api(() => json(200, { ticket: hex(32, '0F') })).api.ticket()).ok);
  assert.ok(!(await api(() => json(200, { ticket: hex(31) })).api.ticket()).ok);
});

test('enrolment start needs an otpauth URI and a 16-byte salt', async () => {
  const body = { display_name: 'Анна', salt: hex(16), totp_uri: 'otpauth://totp/Haven:c-1?secret=ABC', totp_secret: 'ABC' };
  const started = await api(() => json(200, body)).api.enrolStart('c-1', 'CODE');
  assert.ok(started.ok && started.value.displayName === 'Анна' && started.value.code === 'CODE');
  const bad = await api(() => json(200, { ...body, totp_uri: 'https://evil.example/' })).api.enrolStart('c-1', 'CODE');
  assert.ok(!bad.ok);
  const invalid = await api(() => json(400, { error: 'invalid_code' })).api.enrolStart('c-1', 'CODE');
  assert.ok(!invalid.ok && invalid.error.code === 'invalid_code');
});

test('statistics: query string, one-dimension tables with suppressed counts, histograms, CSV as text', async () => {
  const report = {
    periods: ['2026-W10'],
    tables: [
      { dimension: 'conversations', rows: [{ period: '2026-W10', value: '', count: 9 }] },
      { dimension: 'category', rows: [{ period: '2026-W10', value: 'stalking', count: 7 }, { period: '2026-W10', value: 'other', count: null }] },
      { dimension: 'age_band', rows: [] },
      { dimension: 'language', rows: [] },
      { dimension: 'outcome', rows: [] },
    ],
    histograms: [{ period: '2026-W10', kind: 'wait', bounds_seconds: [30, 60], counts: [null, 5, 9] }],
  };
  const { api: client, calls } = api((path) => (path.includes('.csv') ? new Response('period,dimension,value,count\r\n', { status: 200 }) : json(200, report)));
  const stats = await client.stats({ from: '2026-W01', to: '2026-W10', group: 'month' });
  assert.ok(stats.ok);
  assert.equal(calls[0]!.path, '/api/stats?from=2026-W01&to=2026-W10&group=month');
  assert.deepEqual(stats.value.periods, ['2026-W10']);
  assert.equal(stats.value.tables[1]!.dimension, 'category');
  assert.deepEqual(stats.value.tables[1]!.rows[1], { period: '2026-W10', value: 'other', count: null });
  assert.deepEqual(stats.value.histograms[0]!.counts, [null, 5, 9]);
  const csv = await client.statsCsv({ from: '2026-W01', to: '2026-W10', group: 'week' });
  assert.ok(csv.ok && csv.value === 'period,dimension,value,count\r\n');
  const category = report.tables[1]!;
  const broken = (change: object) => readStatsReport({ ...report, tables: [{ ...category, ...change }] });
  assert.notEqual(broken({}), null);
  assert.equal(broken({ rows: [{ ...category.rows[0], count: -1 }] }), null);
  assert.equal(broken({ rows: [{ ...category.rows[0], count: 'many' }] }), null);
  assert.equal(broken({ rows: [{ ...category.rows[0], period: '2026-W11' }] }), null, 'a period the report does not list');
  assert.equal(broken({ dimension: 'category_x_age_band' }), null, 'an unknown dimension');
  assert.equal(readStatsReport({ ...report, periods: undefined }), null);
  assert.equal(readStatsReport({ rows: [] }), null, 'the old cube format');
});
