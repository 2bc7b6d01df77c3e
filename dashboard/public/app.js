// The operations-centre live view. Plain browser JavaScript, no build step. Every value from the
// server, a device or a user is put on the page with textContent, never as HTML.

const SESSION_KEY = 'ioc.session';
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const NEW_ALERT_MS = 15_000;
/** A restarted server is back within seconds; a few dozen pages retrying every 10 s at most cost it nothing. */
const RECONNECT_MAX_MS = 10_000;
const ACTING_ROLES = ['operator', 'environment-admin', 'admin'];

const DOMAINS = {
  environment: { vi: 'Môi trường', en: 'Environment' },
  traffic: { vi: 'Giao thông', en: 'Traffic' },
  reservoir: { vi: 'Hồ chứa & mưa', en: 'Reservoirs & rain' },
  lighting: { vi: 'Chiếu sáng', en: 'Street lighting' },
};
const ROLES = {
  operator: 'Điều hành viên / Operator',
  'environment-admin': 'Quản trị môi trường / Environment admin',
  engineer: 'Kỹ sư / Engineer',
  admin: 'Quản trị / Admin',
};
const SEVERITY = { warning: { vi: 'Cảnh báo', en: 'Warning' }, critical: { vi: 'Nghiêm trọng', en: 'Critical' } };
const STATE = {
  open: { vi: 'Đang mở', en: 'Open' },
  acknowledged: { vi: 'Đã xác nhận', en: 'Acknowledged' },
  resolved: { vi: 'Đã xử lý', en: 'Resolved' },
};
const POWER_STATES = { on: 'Bật / On', off: 'Tắt / Off', low: 'Giảm sáng / Dimmed', bootingUp: 'Đang khởi động / Starting' };
/** Why the server ended a session, for the login form (401 codes). */
const SESSION_ENDED = {
  IOC_SESSION_EXPIRED: 'Phiên đăng nhập đã hết hạn. / Your session has expired.',
  IOC_SESSION_REVOKED: 'Phiên đăng nhập đã kết thúc vì tài khoản đã thay đổi (đổi mật khẩu, khóa hoặc xóa). Hãy đăng nhập lại. / Your session was ended: the password changed or the account was disabled or removed. Log in again.',
  IOC_ACCOUNT_DISABLED: 'Tài khoản đã bị khóa; hãy liên hệ quản trị viên. / Your account is disabled; ask an admin.',
};
const CONNECTION = {
  connecting: 'Đang kết nối… / Connecting…',
  live: 'Trực tuyến / Live',
  offline: 'Mất kết nối / Disconnected',
};

/** Units as Vietnamese operators write them; the catalogue's unit otherwise. */
const UNITS_VI = { vehicles: 'xe' };

const dateParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
/** "14:32:05 · 24/11" in Vietnam time, whatever the browser's own zone. */
const dateTime = {
  format(ts) {
    const part = Object.fromEntries(dateParts.formatToParts(ts).map((p) => [p.type, p.value]));
    return `${part.hour}:${part.minute}:${part.second} · ${part.day}/${part.month}`;
  },
};
const clockTime = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const clockDate = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' });
const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

const $ = (id) => document.getElementById(id);

const state = {
  session: null,
  catalogue: {},
  alerts: new Map(),
  stations: new Map(),
  filter: 'unresolved',
  newAlerts: new Map(),
  socket: null,
  reconnectAttempt: 0,
  reconnectTimer: null,
  sound: true,
  audio: null,
  /** What changed since the last frame; the alert list is rebuilt only when alerts changed, so a button is never replaced under a click by a station update. */
  dirty: { alerts: false, stations: false },
  renderQueued: false,
  /** The own-password request in flight: the live connection it ends waits for its new token. */
  passwordChange: null,
};

// ---------- DOM helpers ----------

/** Creates an element; children are nodes or strings (strings become text, never markup). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "Vietnamese" with the English beneath or beside it, in the page's bilingual style. */
function bilingual(text, tag = 'span') {
  return el(tag, { class: 'bi' }, text.vi, el('span', { class: 'en' }, text.en));
}

function metricInfo(metric) {
  return state.catalogue[metric] ?? { unit: '', label: { vi: metric, en: metric } };
}

function formatValue(value, metric) {
  if (value === null || value === undefined) return '—';
  const unit = metric ? (UNITS_VI[metricInfo(metric).unit] ?? metricInfo(metric).unit) : '';
  return unit && unit !== 'count' ? `${number.format(value)} ${unit}` : number.format(value);
}

function ago(ts) {
  const seconds = Math.max(0, Math.round((Date.now() - ts) / 1000));
  if (seconds < 60) return `${seconds} giây trước`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} phút trước`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} giờ trước`;
  return `${Math.round(hours / 24)} ngày trước`;
}

// ---------- API ----------

async function api(path, options = {}) {
  const headers = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (state.session) headers.authorization = `Bearer ${state.session.token}`;
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && state.session) logout(SESSION_ENDED[body.code]);
  if (!response.ok) {
    const error = new Error(body.message ?? `HTTP ${response.status}`);
    error.code = body.code;
    error.status = response.status;
    throw error;
  }
  return body;
}

// ---------- Session ----------

function storedSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return session && session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

async function login(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const username = form.username.value.trim();
  const password = form.password.value;
  $('login-error').textContent = '';
  if (!username || !password) {
    $('login-error').textContent = 'Nhập tên đăng nhập và mật khẩu. / Enter your username and password.';
    return;
  }
  form.querySelector('button[type=submit]').disabled = true;
  try {
    const session = await api('/api/login', { method: 'POST', body: { username, password } });
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    form.password.value = '';
    // The login click is the user gesture browsers require before a page may play sound.
    state.audio ??= new AudioContext();
    await enter(session);
  } catch (error) {
    $('login-error').textContent =
      error.code === 'IOC_BAD_CREDENTIALS' ? 'Sai tên đăng nhập hoặc mật khẩu. / Wrong username or password.' : (SESSION_ENDED[error.code] ?? error.message);
  } finally {
    form.querySelector('button[type=submit]').disabled = false;
  }
}

async function enter(session) {
  state.session = session;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('user-name').textContent = session.user.username;
  $('user-role').textContent = ROLES[session.user.role] ?? session.user.role;
  $('users-open').hidden = session.user.role !== 'admin';
  try {
    state.catalogue = (await api('/api/catalogue')).metrics;
  } catch {
    // Labels fall back to metric names; the live view still works.
  }
  connect();
}

function logout(message) {
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close(1000);
    state.socket = null;
  }
  state.alerts.clear();
  state.stations.clear();
  $('action-dialog').close();
  $('password-dialog').close();
  $('users-dialog').close();
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message ?? '';
  document.title = 'IOC — Trung tâm Điều hành / Operations Centre';
}

// ---------- Live connection ----------

function setConnection(kind, detail) {
  $('connection').dataset.state = kind;
  $('connection-text').textContent = detail ? `${CONNECTION[kind]} — ${detail}` : CONNECTION[kind];
}

/**
 * Opens /ws. The token travels as a WebSocket subprotocol ("bearer.<token>") because browsers
 * cannot set headers on a WebSocket and a URL would end up in logs.
 */
function connect() {
  if (!state.session) return;
  setConnection('connecting');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const socket = new WebSocket(url, ['ioc.v1', `bearer.${state.session.token}`]);
  state.socket = socket;
  socket.onmessage = (event) => receive(JSON.parse(event.data));
  socket.onclose = (event) => {
    if (state.socket !== socket) return;
    state.socket = null;
    if (event.code === 4001) return logout(SESSION_ENDED.IOC_SESSION_EXPIRED);
    // 4003: the account was disabled, deleted or its password changed; the API says which, and logs out.
    if (event.code === 4003) {
      // When this page changed the password, it reconnects with the new token once the answer is in.
      return void (state.passwordChange ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => api('/api/me'))
        .then(connect, (error) => {
          if (error.status !== 401) scheduleReconnect();
        });
    }
    scheduleReconnect();
  };
}

/**
 * Back-off with jitter: 1 s, 2 s, 4 s … up to 10 s, so a restarted server is not stampeded. The
 * session token is kept: the server keeps its token key across restarts, so the page carries on.
 */
function scheduleReconnect() {
  const base = Math.min(RECONNECT_MAX_MS, 1000 * 2 ** state.reconnectAttempt);
  const delay = Math.round(base / 2 + Math.random() * (base / 2));
  state.reconnectAttempt += 1;
  setConnection('offline', `thử lại sau ${Math.ceil(delay / 1000)} giây / retrying in ${Math.ceil(delay / 1000)} s`);
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(reconnect, delay);
}

async function reconnect() {
  state.reconnectTimer = null;
  // A socket refused at the handshake looks like any other failure; ask the API whether the session still holds (a 401 logs out).
  try {
    await api('/api/me');
  } catch (error) {
    if (error.status === 401) return;
  }
  connect();
}

/** When the network comes back or the operator returns to the tab, retry now rather than at the end of the back-off. */
function reconnectNow() {
  if (!state.reconnectTimer || document.visibilityState !== 'visible') return;
  clearTimeout(state.reconnectTimer);
  void reconnect();
}

function receive(message) {
  if (message.type === 'snapshot') {
    const known = new Set(state.alerts.keys());
    state.alerts.clear();
    for (const alert of message.alerts) {
      state.alerts.set(alert.id, alert);
      // After a reconnect, alerts that opened while the page was offline are announced too.
      if (known.size > 0 && !known.has(alert.id)) markNew(alert);
    }
    state.stations.clear();
    for (const station of message.stations) state.stations.set(station.siteId, station);
    state.reconnectAttempt = 0;
    setConnection('live');
  } else if (message.type === 'alert') {
    const previous = state.alerts.get(message.alert.id);
    state.alerts.set(message.alert.id, message.alert);
    if (!previous && message.alert.state === 'open') markNew(message.alert);
    else if (previous && message.alert.lastChange === 'escalated') markNew(message.alert);
  } else if (message.type === 'stations') {
    for (const station of message.stations) state.stations.set(station.siteId, station);
    return queueRender('stations');
  }
  queueRender('alerts');
}

function markNew(alert) {
  state.newAlerts.set(alert.id, Date.now());
  setTimeout(() => {
    state.newAlerts.delete(alert.id);
    queueRender();
  }, NEW_ALERT_MS);
  chime(alert.severity);
}

/** A short tone for a new alert: two rising notes for critical. */
function chime(severity) {
  if (!state.sound || !state.audio) return;
  const notes = severity === 'critical' ? [880, 1175] : [660];
  notes.forEach((frequency, index) => {
    const start = state.audio.currentTime + index * 0.18;
    const oscillator = state.audio.createOscillator();
    const gain = state.audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
    oscillator.connect(gain).connect(state.audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.17);
  });
}

// ---------- Rendering ----------

function queueRender(part = 'alerts') {
  state.dirty[part] = true;
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => {
    state.renderQueued = false;
    render();
  });
}

function render() {
  const alertsChanged = state.dirty.alerts;
  state.dirty = { alerts: false, stations: false };
  const alerts = [...state.alerts.values()];
  const unresolved = alerts.filter((a) => a.state !== 'resolved');
  // Station markers show alert severity, so alert changes redraw the stations too.
  renderStations(unresolved);
  if (alertsChanged) renderAlerts(alerts, unresolved);
}

function renderAlerts(alerts, unresolved) {
  const open = unresolved.filter((a) => a.state === 'open');
  $('count-open').textContent = String(open.length);
  $('count-critical').textContent = String(unresolved.filter((a) => a.severity === 'critical').length);
  $('count-ack').textContent = String(unresolved.filter((a) => a.state === 'acknowledged').length);
  document.title = `${open.length > 0 ? `(${open.length}) ` : ''}IOC — Trung tâm Điều hành`;

  const shown = alerts
    .filter((a) => (state.filter === 'unresolved' ? a.state !== 'resolved' : a.state === state.filter))
    .sort((a, b) => b.openedAt - a.openedAt);
  $('alert-list').replaceChildren(...shown.map(renderAlert));
  $('alerts-empty').hidden = shown.length > 0;
}

function renderAlert(alert) {
  const canAct = ACTING_ROLES.includes(state.session?.user.role);
  const metric = alert.metric ? metricInfo(alert.metric) : null;
  const classes = ['alert', `sev-${alert.severity}`, `state-${alert.state}`];
  if (state.newAlerts.has(alert.id)) classes.push('is-new');
  return el(
    'li',
    { class: classes.join(' '), dataset: { alertId: alert.id, state: alert.state } },
    el(
      'div',
      { class: 'alert-body' },
      el(
        'div',
        { class: 'alert-tags' },
        el('span', { class: 'badge severity' }, `${SEVERITY[alert.severity].vi} · ${SEVERITY[alert.severity].en}`),
        el('span', { class: 'badge state', dataset: { state: alert.state } }, `${STATE[alert.state].vi} · ${STATE[alert.state].en}`),
        el('span', { class: 'domain' }, DOMAINS[alert.domain]?.vi ?? alert.domain),
        el('span', { class: 'spacer' }),
        el('time', { datetime: new Date(alert.openedAt).toISOString(), title: 'Giờ Việt Nam / Vietnam time' }, dateTime.format(alert.openedAt)),
        el('span', { class: 'ago' }, ago(alert.openedAt)),
      ),
      el('p', { class: 'message-vi' }, alert.message.vi),
      el('p', { class: 'message-en' }, alert.message.en),
      el(
        'dl',
        { class: 'facts' },
        fact({ vi: 'Trạm', en: 'Station' }, alert.siteId),
        fact({ vi: 'Phường/Xã', en: 'Ward' }, alert.ward),
        metric && fact({ vi: 'Chỉ số', en: 'Metric' }, metric.label.vi),
        fact({ vi: 'Giá trị', en: 'Value' }, formatValue(alert.value, alert.metric), 'value'),
        fact({ vi: 'Thiết bị', en: 'Device' }, alert.deviceId),
      ),
      alert.acknowledgedBy &&
        el(
          'p',
          { class: 'trail' },
          `Đã xác nhận / Acknowledged: ${alert.acknowledgedBy}, ${dateTime.format(alert.acknowledgedAt)}`,
          alert.acknowledgeComment && el('q', {}, alert.acknowledgeComment),
        ),
      alert.resolvedBy &&
        el(
          'p',
          { class: 'trail' },
          `Đã xử lý / Resolved: ${alert.resolvedBy === 'system' ? 'hệ thống / system' : alert.resolvedBy}, ${dateTime.format(alert.resolvedAt)}`,
          alert.resolveComment && el('q', {}, alert.resolveComment),
        ),
    ),
    canAct &&
      alert.state !== 'resolved' &&
      el(
        'div',
        { class: 'alert-actions' },
        alert.state === 'open' &&
          el('button', { type: 'button', class: 'primary', dataset: { action: 'acknowledge' }, onclick: () => openAction(alert.id, 'acknowledge') },
            'Xác nhận', el('span', { class: 'en' }, 'Acknowledge')),
        el('button', { type: 'button', class: 'ghost', dataset: { action: 'resolve' }, onclick: () => openAction(alert.id, 'resolve') },
          'Đã xử lý', el('span', { class: 'en' }, 'Resolve')),
      ),
  );
}

function fact(label, value, className) {
  return el('div', { class: className ? `fact ${className}` : 'fact' }, el('dt', {}, `${label.vi} / ${label.en}`), el('dd', {}, value));
}

function renderStations(unresolved) {
  const alerting = new Map();
  for (const alert of unresolved) {
    if (alerting.get(alert.siteId) !== 'critical') alerting.set(alert.siteId, alert.severity);
  }
  const byDomain = new Map();
  for (const station of state.stations.values()) {
    if (!byDomain.has(station.domain)) byDomain.set(station.domain, []);
    byDomain.get(station.domain).push(station);
  }
  const groups = Object.keys(DOMAINS)
    .filter((domain) => byDomain.has(domain))
    .map((domain) => {
      const stations = byDomain.get(domain).sort((a, b) => a.siteId.localeCompare(b.siteId));
      return el(
        'section',
        { class: 'station-group', dataset: { domain } },
        el('h3', {}, DOMAINS[domain].vi, el('span', { class: 'en' }, DOMAINS[domain].en), el('span', { class: 'count' }, String(stations.length))),
        el('ul', {}, stations.map((station) => renderStation(station, alerting.get(station.siteId)))),
      );
    });
  $('station-groups').replaceChildren(...groups);
  $('count-stations').textContent = String(state.stations.size);
  $('stations-empty').hidden = state.stations.size > 0;
}

function renderStation(station, severity) {
  const metrics = Object.entries(station.metrics);
  return el(
    'li',
    { class: severity ? `station alerting-${severity}` : 'station', dataset: { siteId: station.siteId } },
    el(
      'div',
      { class: 'station-head' },
      el('span', { class: 'station-dot', title: severity ? SEVERITY[severity].vi : 'Bình thường / Normal' }),
      el('span', { class: 'station-id' }, station.siteId),
      el('span', { class: 'station-ward' }, station.ward),
      el('time', { class: 'station-time', datetime: new Date(station.ts).toISOString(), title: dateTime.format(station.ts) }, ago(station.ts)),
    ),
    el(
      'div',
      { class: 'station-metrics' },
      metrics.map(([metric, value]) =>
        el('span', { class: 'metric', title: `${metricInfo(metric).label.vi} / ${metricInfo(metric).label.en}` },
          el('span', { class: 'metric-label' }, metricInfo(metric).label.vi), el('span', { class: 'metric-value' }, formatValue(value, metric))),
      ),
      station.powerState && el('span', { class: 'metric' }, el('span', { class: 'metric-label' }, 'Trạng thái'), el('span', { class: 'metric-value' }, POWER_STATES[station.powerState] ?? station.powerState)),
      station.faults?.length > 0 && el('span', { class: 'metric fault' }, station.faults.join(', ')),
    ),
  );
}

// ---------- Acknowledge / resolve ----------

let pendingAction = null;

function openAction(alertId, action) {
  const alert = state.alerts.get(alertId);
  if (!alert) return;
  pendingAction = { alertId, action };
  const form = $('action-form');
  form.comment.value = '';
  $('action-error').textContent = '';
  $('action-title').replaceChildren(
    action === 'acknowledge' ? bilingual({ vi: 'Xác nhận cảnh báo', en: 'Acknowledge alert' }) : bilingual({ vi: 'Đóng cảnh báo (đã xử lý)', en: 'Resolve alert' }),
  );
  $('action-alert').textContent = `${alert.siteId} · ${alert.message.vi}`;
  $('action-confirm').replaceChildren(...(action === 'acknowledge' ? ['Xác nhận ', el('span', { class: 'en' }, 'Acknowledge')] : ['Đã xử lý ', el('span', { class: 'en' }, 'Resolve')]));
  $('action-dialog').showModal();
  form.comment.focus();
}

async function submitAction(event) {
  event.preventDefault();
  if (!pendingAction) return;
  const comment = event.currentTarget.comment.value.trim();
  if (!comment) {
    $('action-error').textContent = 'Cần ghi chú (tối đa 1000 ký tự). / A comment is required (up to 1000 characters).';
    return;
  }
  const { alertId, action } = pendingAction;
  $('action-confirm').disabled = true;
  try {
    const alert = await api(`/api/alerts/${encodeURIComponent(alertId)}/${action}`, { method: 'POST', body: { comment } });
    state.alerts.set(alert.id, alert);
    pendingAction = null;
    $('action-dialog').close();
    queueRender();
  } catch (error) {
    $('action-error').textContent = error.message;
  } finally {
    $('action-confirm').disabled = false;
  }
}

// ---------- Own password ----------

function openPassword() {
  $('password-form').reset();
  $('password-error').textContent = '';
  $('password-dialog').showModal();
  $('password-form').currentPassword.focus();
}

async function submitPassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const currentPassword = form.currentPassword.value;
  const newPassword = form.newPassword.value;
  if (!currentPassword || newPassword.length < 12) {
    $('password-error').textContent =
      'Nhập mật khẩu hiện tại và mật khẩu mới ít nhất 12 ký tự. / Enter your current password and a new one of at least 12 characters.';
    return;
  }
  $('password-confirm').disabled = true;
  // The server ends the account's other sessions, this page's live connection among them (4003).
  state.passwordChange = api('/api/me/password', { method: 'PUT', body: { currentPassword, newPassword } });
  try {
    const session = await state.passwordChange;
    state.session = session;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    $('password-dialog').close();
  } catch (error) {
    $('password-error').textContent =
      error.code === 'IOC_CURRENT_PASSWORD_WRONG' ? 'Mật khẩu hiện tại không đúng. / The current password is wrong.' : error.message;
  } finally {
    state.passwordChange = null;
    $('password-confirm').disabled = false;
  }
}

// ---------- Users (admins) ----------

let resetFor = null;

function roleOptions(selected) {
  return Object.entries(ROLES).map(([value, label]) => el('option', { value, selected: value === selected }, label));
}

async function openUsers() {
  $('users-error').textContent = '';
  $('reset-form').hidden = true;
  $('users-dialog').showModal();
  await loadUsers();
}

async function loadUsers() {
  try {
    const users = await api('/api/users');
    $('users-list').replaceChildren(...users.map(renderUser));
  } catch (error) {
    $('users-error').textContent = error.message;
  }
}

/** Runs one account action and shows the list as the server now holds it; the server's message explains a refusal. */
async function userAction(request) {
  $('users-error').textContent = '';
  try {
    await request();
  } catch (error) {
    $('users-error').textContent = error.message;
  }
  if (state.session) await loadUsers();
}

function renderUser(user) {
  const path = `/api/users/${encodeURIComponent(user.username)}`;
  // Configuration sets these accounts' role and password at every start; the server refuses such changes.
  const configured = Boolean(user.configuredBy);
  const why = configured ? `Cấu hình / Configured: ${user.configuredBy}` : undefined;
  const toggle = user.disabled ? { action: 'enable', vi: 'Mở khóa', en: 'Enable' } : { action: 'disable', vi: 'Khóa', en: 'Disable' };
  const remove = (event) => {
    const button = event.currentTarget;
    // Two clicks: the first asks, the second deletes.
    if (button.dataset.confirm !== 'true') {
      button.dataset.confirm = 'true';
      button.replaceChildren('Xác nhận xóa?', el('span', { class: 'en' }, 'Confirm'));
      return;
    }
    userAction(() => api(path, { method: 'DELETE' }));
  };
  return el(
    'tr',
    { dataset: { username: user.username, disabled: String(user.disabled) } },
    el('td', {}, el('span', { class: 'username' }, user.username), configured && el('span', { class: 'configured' }, why)),
    el(
      'td',
      {},
      el(
        'select',
        {
          'aria-label': `Vai trò / Role: ${user.username}`,
          disabled: configured,
          title: why,
          onchange: (event) => userAction(() => api(`${path}/role`, { method: 'PUT', body: { role: event.currentTarget.value } })),
        },
        roleOptions(user.role),
      ),
    ),
    el('td', {}, el('span', { class: 'badge account', dataset: { disabled: String(user.disabled) } }, user.disabled ? 'Đã khóa · Disabled' : 'Hoạt động · Active')),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'user-actions' },
        el('button', { type: 'button', dataset: { action: toggle.action }, onclick: () => userAction(() => api(`${path}/${toggle.action}`, { method: 'POST' })) },
          toggle.vi, el('span', { class: 'en' }, toggle.en)),
        el('button', { type: 'button', dataset: { action: 'reset' }, disabled: configured, title: why, onclick: () => openReset(user.username) },
          'Đặt lại mật khẩu', el('span', { class: 'en' }, 'Reset password')),
        el('button', { type: 'button', class: 'danger', dataset: { action: 'delete' }, disabled: configured, title: why, onclick: remove },
          'Xóa', el('span', { class: 'en' }, 'Delete')),
      ),
    ),
  );
}

function openReset(username) {
  resetFor = username;
  $('reset-form').reset();
  $('reset-title').replaceChildren(bilingual({ vi: `Mật khẩu mới cho ${username}`, en: `New password for ${username}` }));
  $('reset-form').hidden = false;
  $('reset-form').password.focus();
}

async function submitReset(event) {
  event.preventDefault();
  const password = event.currentTarget.password.value;
  const username = resetFor;
  await userAction(async () => {
    await api(`/api/users/${encodeURIComponent(username)}/password`, { method: 'PUT', body: { password } });
    $('reset-form').hidden = true;
  });
}

async function submitCreateUser(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const body = { username: form.username.value.trim(), password: form.password.value, role: form.elements.role.value };
  await userAction(async () => {
    await api('/api/users', { method: 'POST', body });
    form.reset();
  });
}

// ---------- Start ----------

async function selectFilter(filter) {
  state.filter = filter;
  for (const button of document.querySelectorAll('[data-filter]')) button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
  if (filter === 'resolved') {
    // The live feed carries unresolved alerts; recently resolved ones come from the API.
    const { alerts: resolved } = await api('/api/alerts?state=resolved&limit=200').catch(() => ({ alerts: [] }));
    for (const alert of resolved) state.alerts.set(alert.id, alert);
  }
  queueRender();
}

function tickClock() {
  const now = new Date();
  $('clock').replaceChildren(el('span', { class: 'clock-time' }, clockTime.format(now)), el('span', { class: 'clock-date' }, `${clockDate.format(now)} · UTC+7`));
}

function renderSoundToggle() {
  $('sound-toggle').setAttribute('aria-pressed', String(state.sound));
  $('sound-toggle').replaceChildren(
    el('span', { class: 'sound-icon', 'aria-hidden': 'true' }),
    state.sound ? 'Âm báo: bật' : 'Âm báo: tắt',
    el('span', { class: 'en' }, state.sound ? 'Sound on' : 'Sound off'),
  );
}

function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => logout());
  $('action-form').addEventListener('submit', submitAction);
  $('action-cancel').addEventListener('click', () => $('action-dialog').close());
  $('password-open').addEventListener('click', openPassword);
  $('password-form').addEventListener('submit', submitPassword);
  $('password-cancel').addEventListener('click', () => $('password-dialog').close());
  $('users-open').addEventListener('click', openUsers);
  $('users-close').addEventListener('click', () => $('users-dialog').close());
  $('reset-form').addEventListener('submit', submitReset);
  $('reset-cancel').addEventListener('click', () => {
    $('reset-form').hidden = true;
  });
  $('create-user-form').addEventListener('submit', submitCreateUser);
  $('create-user-form').elements.role.replaceChildren(...roleOptions('operator'));
  $('sound-toggle').addEventListener('click', () => {
    state.sound = !state.sound;
    renderSoundToggle();
  });
  for (const button of document.querySelectorAll('[data-filter]')) button.addEventListener('click', () => selectFilter(button.dataset.filter));
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', reconnectNow);
  renderSoundToggle();
  tickClock();
  setInterval(tickClock, 1000);
  // Relative times ("3 phút trước") age even when nothing new arrives.
  setInterval(() => queueRender('alerts'), 30_000);

  const session = storedSession();
  if (session) enter(session);
  else logout();
}

start();
