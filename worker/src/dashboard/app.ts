/**
 * The marketer dashboard: a small single-page app over the marketer API. It keeps
 * the secret key in sessionStorage only (never a cookie), renders every value with
 * textContent (profile data is visitor-controlled), and needs no inline script, so
 * it runs under the strict CSP the collector serves it with.
 */

type Json = Record<string, unknown>;

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const KEY_STORAGE = 'portrait.dashboard.key';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function fmt(value: unknown): string {
  if (value == null || value === '') return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 2 });
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return new Date(value).toLocaleString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function api<T = Json>(path: string, init: RequestInit = {}): Promise<T> {
  const key = sessionStorage.getItem(KEY_STORAGE) || '';
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers || {}) } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = (body as { error?: { message?: string } }).error?.message || `${res.status} ${res.statusText}`;
    if (res.status === 401 || res.status === 403) showLogin(message);
    throw new Error(message);
  }
  return body as T;
}

function showError(target: HTMLElement, err: unknown) {
  target.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
}

function showLogin(message?: string) {
  $('#login').hidden = false;
  $('#app').hidden = true;
  $('#login-error').textContent = message || '';
}

/** A definition list of one portrait section; nested objects become nested lists. */
function section(title: string, data: unknown): HTMLElement {
  const card = el('section', { class: 'card' }, el('h3', {}, title));
  if (data == null || (typeof data === 'object' && Object.keys(data as Json).length === 0)) {
    card.append(el('p', { class: 'muted' }, 'No data yet.'));
    return card;
  }
  card.append(describe(data));
  return card;
}

function describe(data: unknown, depth = 0): Node {
  if (Array.isArray(data)) {
    if (data.length === 0) return document.createTextNode('—');
    if (data.every((v) => typeof v !== 'object' || v === null)) return document.createTextNode(data.map(fmt).join(', '));
    const list = el('ol');
    for (const item of data.slice(0, 20)) list.append(el('li', {}, describe(item, depth + 1)));
    return list;
  }
  if (data && typeof data === 'object') {
    if (depth > 3) return document.createTextNode(fmt(data));
    const dl = el('dl');
    for (const [k, v] of Object.entries(data as Json)) dl.append(el('dt', {}, k), el('dd', {}, describe(v, depth + 1)));
    return dl;
  }
  return document.createTextNode(fmt(data));
}

interface ProfileRow { id: string; userId?: string; email?: string; name?: string; lastSeen?: string; orders?: number; revenue?: number; rfmSegment?: string }

let cursor: string | undefined;

async function loadProfiles(append = false) {
  const out = $('#profiles');
  const params = new URLSearchParams({ limit: '50', sort: ($('#sort') as HTMLSelectElement).value });
  const q = ($('#search') as HTMLInputElement).value.trim();
  if (q) params.set('q', q);
  const segment = ($('#segment-filter') as HTMLSelectElement).value;
  if (segment) params.set('segment', segment);
  if (append && cursor) params.set('cursor', cursor);
  try {
    const page = await api<{ data: ProfileRow[]; nextCursor?: string | null }>(`/v1/profiles?${params}`);
    const body = append ? $('#profiles tbody') : el('tbody');
    for (const p of page.data) {
      const link = el('a', { href: `#profile/${encodeURIComponent(p.id)}` }, p.name || p.email || p.userId || p.id);
      body.append(el('tr', {}, el('td', {}, link), el('td', {}, fmt(p.email)), el('td', {}, fmt(p.orders)), el('td', {}, fmt(p.revenue)), el('td', {}, fmt(p.rfmSegment)), el('td', {}, fmt(p.lastSeen))));
    }
    if (!append) {
      const head = el('thead', {}, el('tr', {}, ...['Customer', 'Email', 'Orders', 'Revenue', 'RFM segment', 'Last seen'].map((h) => el('th', { scope: 'col' }, h))));
      out.replaceChildren(el('table', {}, head, body));
    }
    cursor = page.nextCursor || undefined;
    $('#more').hidden = !cursor;
  } catch (err) {
    showError(out, err);
  }
}

async function loadSegments() {
  const list = $('#segments');
  const select = $('#segment-filter') as HTMLSelectElement;
  try {
    const res = await api<{ data: { id: string; name: string; count?: number }[] }>('/v1/segments');
    list.replaceChildren(...res.data.map((s) => el('li', {}, el('strong', {}, s.name), ` ${fmt(s.count)} profiles`)));
    select.replaceChildren(el('option', { value: '' }, 'All profiles'), ...res.data.map((s) => el('option', { value: s.id }, s.name)));
    if (!res.data.length) list.replaceChildren(el('li', { class: 'muted' }, 'No segments yet: create one with POST /v1/segments.'));
  } catch (err) {
    showError(list, err);
  }
}

async function loadCampaigns() {
  const list = $('#campaigns');
  try {
    const res = await api<{ data: { id: string; name?: string; slot: string; status: string }[] }>('/v1/campaigns');
    if (!res.data.length) return list.replaceChildren(el('li', { class: 'muted' }, 'No campaigns yet.'));
    list.replaceChildren(...res.data.map((c) => el('li', {}, el('a', { href: `#campaign/${encodeURIComponent(c.id)}` }, c.name || c.id), ` — slot ${c.slot}, ${c.status}`)));
  } catch (err) {
    showError(list, err);
  }
}

async function showProfile(id: string) {
  const out = $('#detail');
  out.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  try {
    const body = await api<{ profile: Json & { portrait?: Json }; events?: unknown[] }>(`/v1/profiles/${encodeURIComponent(id)}`);
    const portrait = body.profile.portrait || {};
    const reserved = ((portrait.traits as Json)?.reserved as Json) || {};
    const identity = (portrait.identity as Json) || {};
    const title = reserved.name || [reserved.firstName, reserved.lastName].filter(Boolean).join(' ') || reserved.email || identity.userId || id;
    const sections = ['identity', 'traits', 'commerce', 'rfm', 'interests', 'behavior', 'channels', 'now', 'segments', 'computed', 'predictions', 'consent'];
    out.replaceChildren(
      el('h2', {}, fmt(title)),
      ...sections.filter((s) => s in portrait).map((s) => section(s, portrait[s])),
    );
    const events = body.events;
    if (events) out.append(section('recent events', events));
  } catch (err) {
    showError(out, err);
  }
}

async function showCampaign(id: string) {
  const out = $('#detail');
  try {
    const report = await api<Json>(`/v1/campaigns/${encodeURIComponent(id)}/report`);
    out.replaceChildren(el('h2', {}, `Campaign ${id}`), section('report', report));
  } catch (err) {
    showError(out, err);
  }
}

function route() {
  const [kind, id] = location.hash.slice(1).split('/');
  if (kind === 'profile' && id) void showProfile(decodeURIComponent(id));
  else if (kind === 'campaign' && id) void showCampaign(decodeURIComponent(id));
  else $('#detail').replaceChildren(el('p', { class: 'muted' }, 'Pick a customer to see their portrait.'));
}

function start() {
  $('#login').hidden = true;
  $('#app').hidden = false;
  void loadSegments();
  void loadCampaigns();
  void loadProfiles();
  route();
}

$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, ($('#key') as HTMLInputElement).value.trim());
  start();
});
$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  showLogin();
});
$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  void loadProfiles();
});
$('#sort').addEventListener('change', () => void loadProfiles());
$('#segment-filter').addEventListener('change', () => void loadProfiles());
$('#more').addEventListener('click', () => void loadProfiles(true));
window.addEventListener('hashchange', route);

if (sessionStorage.getItem(KEY_STORAGE)) start();
else showLogin();
