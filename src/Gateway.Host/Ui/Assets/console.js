// Gateway operator console: plain JavaScript over the gateway's own JSON APIs. Every data call
// carries the admin key from session storage as a Bearer token; nothing is loaded from elsewhere.
'use strict';

(() => {
  const KEY_STORAGE = 'gateway.console.key';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (selector, root = document) => root.querySelector(selector);
  const state = { overview: null, timer: null, lastRoute: null };

  // ---- small DOM helpers (text only: data never becomes HTML) ----------------------------------

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const badge = (value) => el('span', { class: `badge ${String(value ?? '').replace(/[^a-z-]/gi, '')}`, text: value ?? '—' });

  function show(node, message) {
    node.textContent = message ?? '';
    node.hidden = !message;
  }

  function number(value, digits = 0) {
    if (value === undefined || value === null || Number.isNaN(Number(value))) return '—';
    return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  function money(value) {
    if (value === undefined || value === null) return '—';
    const v = Number(value);
    if (v === 0) return '$0';
    return v < 0.01 ? `$${v.toExponential(2)}` : `$${v.toFixed(4)}`;
  }

  // ---- API ---------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super(body?.error?.message ?? `HTTP ${status}`);
      this.status = status;
      this.code = body?.error?.code ?? null;
      this.body = body;
    }
  }

  const key = () => sessionStorage.getItem(KEY_STORAGE);

  async function api(method, path, body, presentedKey = key()) {
    const headers = { Authorization: `Bearer ${presentedKey}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!response.ok) {
      if (response.status === 401 && presentedKey === key() && path !== '/admin/session') signOut('The gateway no longer accepts this key. Sign in again.');
      throw new ApiError(response.status, json ?? { error: { message: text || `HTTP ${response.status}` } });
    }
    return json;
  }

  // ---- sign-in -----------------------------------------------------------------------------------

  async function signIn(presentedKey) {
    const error = $('#login-error');
    show(error, null);
    try {
      const session = await api('GET', '/admin/session', undefined, presentedKey);
      sessionStorage.setItem(KEY_STORAGE, presentedKey);
      enter(session);
    } catch (e) {
      if (e.status === 403) show(error, 'This key is valid but it is not an admin key. The console needs an admin key.');
      else if (e.status === 401) show(error, 'The gateway does not accept this key.');
      else show(error, `Sign-in failed: ${e.message}`);
    }
  }

  function enter(session) {
    $('#login').hidden = true;
    $('#app').hidden = false;
    $('#session').hidden = false;
    $('#session-key').textContent = `signed in as ${session.key}${session.development_key ? ' (development key)' : ''}`;
    selectTab('models');
    refreshModels();
    startAutoRefresh();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    clearInterval(state.timer);
    $('#app').hidden = true;
    $('#session').hidden = true;
    $('#login').hidden = false;
    $('#login-key').value = '';
    show($('#login-error'), message ?? null);
  }

  function selectTab(name) {
    for (const tab of document.querySelectorAll('[data-tab]')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
    for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== name;
    if (name === 'keys') refreshKeys();
    if (name === 'agents') loadAgents();
    if (name === 'route' && !state.overview) refreshModels();
  }

  // ---- models ------------------------------------------------------------------------------------

  async function refreshModels() {
    const error = $('#models-error');
    try {
      const overview = await api('GET', '/admin/overview');
      state.overview = overview;
      show(error, null);
      renderModels(overview);
      renderProfiles(overview.profiles ?? []);
    } catch (e) {
      show(error, `Could not read /admin/overview: ${e.message}`);
    }
  }

  function renderModels(overview) {
    const body = $('#models-table tbody');
    body.replaceChildren(...(overview.models ?? []).map((m) => {
      const replicas = (m.destinations ?? []).length;
      const actions = el('td');
      if (m.local) {
        const loaded = m.state === 'loaded' || m.state === 'starting';
        actions.append(el('button', {
          type: 'button', class: 'secondary', text: loaded ? 'Unload' : 'Load',
          onclick: (event) => poolAction(event.target, m.id, loaded ? 'unload' : 'load'),
        }));
      }
      return el('tr', { 'data-model': m.id },
        el('td', {}, el('strong', { text: m.id })),
        el('td', { text: m.provider ?? (m.local ? 'local' : '') }),
        el('td', {}, badge(m.health)),
        el('td', {}, badge(m.state), m.last_error ? el('div', { class: 'muted', text: m.last_error }) : null),
        el('td', {}, badge(m.circuit)),
        el('td', { text: replicas ? `${m.available_destinations}/${replicas}` : '—', title: (m.destinations ?? []).map((d) => `${d.address} active=${d.active} passive=${d.passive} circuit=${d.circuit}`).join('\n') }),
        el('td', { class: 'num', text: number(m.queue_depth) }),
        el('td', { class: 'num', text: number(m.running) }),
        el('td', { class: 'num', text: number(m.requests_per_minute) }),
        el('td', { class: 'num', text: number(m.errors_per_minute) }),
        el('td', { class: 'num', text: number(m.tokens_per_minute) }),
        el('td', { class: 'num', text: `${number(m.pricing?.input_per_mtok, 3)} / ${number(m.pricing?.output_per_mtok, 3)}` }),
        actions);
    }));
    const router = overview.router ?? {};
    $('#router-status').textContent = router.loaded
      ? `Router loaded; routed requests fall back through up to ${router.max_candidates} candidates.`
      : `Router not loaded (${router.error ?? 'unknown reason'}); routed requests go to ${router.default_model ?? 'no default model (503)'}.`;
    $('#models-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  async function poolAction(button, model, action) {
    button.disabled = true;
    try {
      await api('POST', `/admin/models/${encodeURIComponent(model)}/${action}`);
    } catch (e) {
      show($('#models-error'), `${action} ${model}: ${e.message}`);
    }
    await refreshModels();
  }

  function startAutoRefresh() {
    clearInterval(state.timer);
    state.timer = setInterval(() => {
      if ($('#models-auto').checked && !$('#tab-models').hidden && key()) refreshModels();
    }, 5000);
  }

  // ---- route playground --------------------------------------------------------------------------

  function renderProfiles(profiles) {
    const select = $('#route-profile');
    const current = select.value;
    select.replaceChildren(...profiles.map((p) => el('option', { value: p.name, text: `${p.model}  (cost ${p.weights.cost}, size ${p.weights.size}, latency ${p.weights.latency}, age ${p.weights.age})` })));
    if (profiles.some((p) => p.name === current)) select.value = current;
    syncWeights();
  }

  // The weights show the profile's until the operator chooses to override them.
  function syncWeights() {
    const override = $('#route-override').checked;
    for (const name of ['cost', 'size', 'latency', 'age']) $(`#weight-${name}`).disabled = !override;
    if (!override) fillWeights();
  }

  function fillWeights() {
    const profile = (state.overview?.profiles ?? []).find((p) => p.name === $('#route-profile').value);
    for (const name of ['cost', 'size', 'latency', 'age']) $(`#weight-${name}`).value = profile?.weights?.[name] ?? 0;
  }

  function routeBody() {
    const profile = $('#route-profile').value || 'default';
    const body = { model: profile === 'default' ? 'auto' : `auto:${profile}` };
    if ($('#route-override').checked) {
      body.route = { weights: Object.fromEntries(['cost', 'size', 'latency', 'age'].map((n) => [n, Number($(`#weight-${n}`).value) || 0])) };
    }
    return body;
  }

  async function runRoute() {
    const error = $('#route-error');
    show(error, null);
    try {
      const result = await api('POST', '/v1/route', { ...routeBody(), prompt: $('#route-prompt').value, pareto: true });
      state.lastRoute = result;
      renderRoute(result);
    } catch (e) {
      $('#route-result').hidden = true;
      show(error, e.status === 503 ? `The router is not available: ${e.message}` : e.message);
    }
  }

  function renderRoute(result) {
    $('#route-result').hidden = false;
    $('#route-summary').textContent = result.model
      ? `Profile ${result.profile} picks ${result.model} (prompt ≈ ${result.prompt_tokens} tokens).`
      : `Profile ${result.profile}: every candidate was rejected.`;
    $('#route-candidates tbody').replaceChildren(...(result.candidates ?? []).map((c, i) => el('tr', { class: c.model === result.model ? 'chosen' : null, 'data-model': c.model },
      el('td', { text: i + 1 }),
      el('td', { text: c.model }),
      el('td', { class: 'num', text: number(c.predicted_quality, 3) }),
      el('td', { class: 'num', text: number(c.cost_terms?.cost, 3) }),
      el('td', { class: 'num', text: number(c.cost_terms?.size, 3) }),
      el('td', { class: 'num', text: number(c.cost_terms?.latency, 3) }),
      el('td', { class: 'num', text: number(c.cost_terms?.age, 3) }),
      el('td', { class: 'num', text: money(c.expected_cost_usd) }),
      el('td', { class: 'num', text: number(c.score, 3) }))));
    const rejected = result.rejected ?? [];
    $('#route-rejected').replaceChildren(...(rejected.length ? rejected.map((r) => el('li', {}, el('strong', { text: r.model }), ` — ${r.reason}`)) : [el('li', { class: 'muted', text: 'none' })]));
    renderPareto($('#pareto-chart'), result.pareto ?? [], result.candidates ?? [], result.model);
  }

  /**
   * Draws predicted quality (y) against expected cost (x): one filled point per Pareto-front entry
   * (class pareto-point), hollow rings for the ranked candidates, the chosen model highlighted.
   */
  function renderPareto(container, front, candidates, chosen) {
    const width = 560, height = 340, left = 64, right = 24, top = 20, bottom = 48;
    const all = [...front, ...candidates];
    const costs = all.map((p) => Number(p.expected_cost_usd) || 0);
    const qualities = all.map((p) => Number(p.predicted_quality) || 0);
    let [x0, x1] = [Math.min(0, ...costs), Math.max(...costs, 0)];
    let [y0, y1] = all.length ? [Math.min(...qualities), Math.max(...qualities)] : [0, 1];
    if (x1 - x0 < 1e-12) x1 = x0 + (x0 === 0 ? 1e-6 : Math.abs(x0));
    if (y1 - y0 < 1e-9) { y0 -= 0.05; y1 += 0.05; }
    const padX = (x1 - x0) * 0.08, padY = (y1 - y0) * 0.1;
    x1 += padX; y0 -= padY; y1 += padY;
    const sx = (v) => left + ((v - x0) / (x1 - x0)) * (width - left - right);
    const sy = (v) => height - bottom - ((v - y0) / (y1 - y0)) * (height - top - bottom);

    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Pareto front with ${front.length} points`, 'data-points': front.length });
    for (let i = 0; i <= 4; i++) {
      const yv = y0 + ((y1 - y0) * i) / 4, xv = x0 + ((x1 - x0) * i) / 4;
      chart.append(svg('line', { class: 'grid-line', x1: left, x2: width - right, y1: sy(yv), y2: sy(yv) }));
      chart.append(svg('text', { x: left - 6, y: sy(yv) + 4, 'text-anchor': 'end' }, yv.toFixed(2)));
      chart.append(svg('text', { x: sx(xv), y: height - bottom + 16, 'text-anchor': i === 4 ? 'end' : 'middle' }, money(xv)));
    }
    chart.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
    chart.append(svg('line', { class: 'axis', x1: left, x2: left, y1: top, y2: height - bottom }));
    chart.append(svg('text', { x: (left + width - right) / 2, y: height - 10, 'text-anchor': 'middle' }, 'expected cost of the call (USD)'));
    chart.append(svg('text', { x: 14, y: (top + height - bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(top + height - bottom) / 2})` }, 'predicted quality'));

    const sorted = [...front].sort((a, b) => a.expected_cost_usd - b.expected_cost_usd);
    if (sorted.length > 1) {
      chart.append(svg('polyline', { class: 'front-line', points: sorted.map((p) => `${sx(p.expected_cost_usd)},${sy(p.predicted_quality)}`).join(' ') }));
    }
    for (const c of candidates) {
      const ring = svg('circle', { class: `candidate-point${c.model === chosen ? ' chosen' : ''}`, cx: sx(c.expected_cost_usd), cy: sy(c.predicted_quality), r: 9, 'data-model': c.model });
      ring.append(svg('title', {}, `${c.model}: quality ${number(c.predicted_quality, 3)}, ${money(c.expected_cost_usd)}, score ${number(c.score, 3)}`));
      chart.append(ring);
    }
    for (const p of front) {
      const point = svg('circle', { class: `pareto-point${p.model === chosen ? ' chosen' : ''}`, cx: sx(p.expected_cost_usd), cy: sy(p.predicted_quality), r: 6, 'data-model': p.model });
      point.append(svg('title', {}, `${p.model}: best from cost weight ${p.cost_weight}; quality ${number(p.predicted_quality, 3)}, ${money(p.expected_cost_usd)}`));
      chart.append(point);
      const onRight = sx(p.expected_cost_usd) > width * 0.7;
      chart.append(svg('text', { class: 'point-label', x: sx(p.expected_cost_usd) + (onRight ? -10 : 10), y: sy(p.predicted_quality) - 9, 'text-anchor': onRight ? 'end' : 'start' },
        `${p.model} (from λ=${p.cost_weight})`));
    }
    if (!front.length) chart.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'no front: every candidate was rejected'));
    container.replaceChildren(chart);
    return chart;
  }

  async function sendChat() {
    const output = $('#chat-output'), status = $('#chat-status'), chat = $('#chat');
    const prompt = $('#route-prompt').value;
    if (!prompt) { show($('#route-error'), 'Type a prompt first.'); return; }
    chat.hidden = false;
    output.textContent = '';
    $('#chat-model').textContent = '';
    status.textContent = 'waiting for the first token…';
    const button = $('#route-send');
    button.disabled = true;
    try {
      const body = { ...routeBody(), messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } };
      const response = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const model = response.headers.get('x-gateway-model');
      if (model) $('#chat-model').textContent = `from ${model}`;
      if (!response.ok) {
        const text = await response.text();
        let message = text;
        try { message = JSON.parse(text).error.message; } catch { /* not JSON */ }
        status.textContent = '';
        output.textContent = `Error ${response.status}: ${message}`;
        return;
      }
      let usage = null, chunks = 0;
      await readEvents(response, (data) => {
        if (data.error) { output.append(`\n[stream error: ${data.error.message}]`); return; }
        if (data.usage) usage = data.usage;
        const delta = data.choices?.[0]?.delta?.content;
        if (delta) { output.append(delta); chunks++; status.textContent = `streaming… ${chunks} chunks`; }
      });
      status.textContent = `done: ${chunks} chunks${usage ? `, ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens` : ''}`;
    } catch (e) {
      status.textContent = `failed: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  }

  async function readEvents(response, onData) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (!data || data === '[DONE]') continue;
        try { onData(JSON.parse(data)); } catch { /* a malformed event is skipped */ }
      }
    }
  }

  // ---- keys --------------------------------------------------------------------------------------

  async function refreshKeys() {
    const error = $('#keys-error');
    try {
      const list = await api('GET', '/admin/keys');
      show(error, null);
      const keys = (list.data ?? []).sort((a, b) => a.name.localeCompare(b.name));
      const usages = await Promise.all(keys.map((k) => (k.revoked ? null : api('GET', `/admin/keys/${encodeURIComponent(k.name)}/usage`).catch(() => null))));
      $('#keys-table tbody').replaceChildren(...keys.map((k, i) => keyRow(k, usages[i])));
      if (!keys.length) $('#keys-table tbody').append(el('tr', {}, el('td', { colspan: 7, class: 'muted', text: 'No managed keys yet.' })));
    } catch (e) {
      show(error, e.status === 503 ? `The key store is unavailable: ${e.message}` : `Could not list keys: ${e.message}`);
    }
  }

  function keyRow(k, usage) {
    const meters = el('div', { class: 'usage' });
    for (const limit of usage?.limits ?? []) {
      const used = Math.max(0, Number(limit.max) - Number(limit.remaining));
      const share = Number(limit.max) > 0 ? Math.min(1, used / Number(limit.max)) : 0;
      const fill = el('span', { class: share > 0.8 ? 'high' : null });
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      const unit = limit.limit === 'budget' ? money : (v) => number(v);
      meters.append(el('div', { class: 'meter', 'data-limit': limit.limit },
        el('span', { text: limit.limit }), el('div', { class: 'bar' }, fill),
        el('span', { text: `${unit(used)} / ${unit(limit.max)} · resets in ${Math.ceil(limit.reset_seconds)} s` })));
    }
    if (!meters.childElementCount) meters.append(el('span', { class: 'muted', text: k.revoked ? '—' : 'unlimited' }));
    const revoke = k.revoked ? null : el('button', {
      type: 'button', class: 'danger', text: 'Revoke',
      onclick: async (event) => {
        if (!confirm(`Revoke the key '${k.name}'? Every replica stops accepting it.`)) return;
        event.target.disabled = true;
        try { await api('DELETE', `/admin/keys/${encodeURIComponent(k.name)}`); } catch (e) { show($('#keys-error'), `Revoke ${k.name}: ${e.message}`); }
        await refreshKeys();
      },
    });
    return el('tr', { 'data-key': k.name },
      el('td', {}, el('strong', { text: k.name }), el('div', { class: 'muted', text: `${k.hash_prefix}…` })),
      el('td', { text: (k.models ?? []).length ? k.models.join(', ') : 'all' }),
      el('td', { text: k.admin ? 'yes' : 'no' }),
      el('td', {}, badge(k.revoked ? 'revoked' : 'active')),
      el('td', { text: k.created_at ? new Date(k.created_at).toLocaleString() : '—' }),
      el('td', {}, meters),
      el('td', {}, revoke));
  }

  async function createKey() {
    const optional = (id) => ($(id).value === '' ? undefined : Number($(id).value));
    const body = {
      name: $('#key-name').value.trim(),
      models: $('#key-models').value.split(',').map((m) => m.trim()).filter(Boolean),
      admin: $('#key-admin').checked,
      cache: $('#key-cache').checked,
      requests_per_minute: optional('#key-rpm'),
      tokens_per_minute: optional('#key-tpm'),
      budget_usd: optional('#key-budget'),
      budget_period_hours: optional('#key-period'),
    };
    try {
      const created = await api('POST', '/admin/keys', body);
      $('#key-created-name').textContent = created.name;
      $('#key-created-secret').textContent = created.key;
      $('#key-created').hidden = false;
      show($('#keys-error'), null);
      $('#key-form').reset();
    } catch (e) {
      $('#key-created').hidden = true;
      show($('#keys-error'), `Could not create the key: ${e.message}`);
    }
    await refreshKeys();
  }

  // ---- agent runs --------------------------------------------------------------------------------

  const NOT_CONFIGURED = 'Agents are not configured on this gateway: POST /v1/agents/{name}/runs is not served.';

  async function loadAgents() {
    const list = $('#agent-list');
    try {
      const agents = (await api('GET', '/v1/agents'))?.data ?? [];
      const names = agents.map((a) => String(a.id ?? a.name ?? '').replace(/^[^:]*:/, ''));
      $('#agent-names').replaceChildren(...names.map((n) => el('option', { value: n })));
      list.textContent = agents.length
        ? `Agents: ${agents.map((a, i) => `${names[i]}${a.kind ? ` (${a.kind})` : ''}${Array.isArray(a.tools) && a.tools.length ? ` — tools ${a.tools.join(', ')}` : ''}`).join('; ')}`
        : 'No agents are defined.';
    } catch (e) {
      list.textContent = e.status === 404 ? NOT_CONFIGURED : `Could not list agents: ${e.message}`;
    }
  }

  async function startRun() {
    const message = $('#agent-message');
    const name = $('#agent-name').value.trim();
    show(message, `Running ${name}…`);
    try {
      const trace = await api('POST', `/v1/agents/${encodeURIComponent(name)}/runs`, { input: $('#agent-input').value });
      show(message, null);
      renderTrace($('#agent-timeline'), trace);
    } catch (e) {
      if (e.status === 404) {
        show(message, e.code === 'unknown_url'
          ? NOT_CONFIGURED
          : `Agents are not configured here, or there is no agent named '${name}': ${e.message}`);
      } else {
        show(message, `The run failed: ${e.message}`);
      }
    }
  }

  function loadTrace() {
    const message = $('#agent-message');
    try {
      const trace = JSON.parse($('#trace-json').value);
      show(message, null);
      renderTrace($('#agent-timeline'), trace);
    } catch (e) {
      show(message, `That is not valid JSON: ${e.message}`);
    }
  }

  const first = (object, ...names) => {
    for (const name of names) if (object && object[name] !== undefined && object[name] !== null) return object[name];
    return undefined;
  };

  const text = (value) => (value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value, null, 2));

  function tokensOf(value) {
    if (!value || typeof value !== 'object') return undefined;
    // Inside a tokens/usage object "input"/"output" are counts; on a step they are the call's text.
    const sum = (t, nested) => {
      const total = first(t, 'total', 'total_tokens');
      if (total !== undefined) return Number(total);
      const parts = nested
        ? [first(t, 'prompt', 'prompt_tokens', 'input', 'input_tokens'), first(t, 'completion', 'completion_tokens', 'output', 'output_tokens')]
        : [first(t, 'prompt_tokens', 'input_tokens'), first(t, 'completion_tokens', 'output_tokens')];
      return parts.some((p) => typeof p === 'number') ? parts.reduce((a, b) => a + (Number(b) || 0), 0) : undefined;
    };
    const t = first(value, 'tokens', 'usage');
    if (typeof t === 'number') return t;
    return t && typeof t === 'object' ? sum(t, true) : sum(value, false);
  }

  function durationOf(step) {
    const ms = first(step, 'duration_ms', 'elapsed_ms', 'latency_ms', 'ms') ?? first(first(step, 'timings') ?? {}, 'total_ms', 'total', 'run_ms');
    if (ms !== undefined) return Number(ms);
    const seconds = first(step, 'duration_seconds', 'elapsed_seconds');
    if (seconds !== undefined) return Number(seconds) * 1000;
    const start = Date.parse(first(step, 'started_at', 'start') ?? ''), end = Date.parse(first(step, 'ended_at', 'finished_at', 'completed_at', 'end') ?? '');
    return Number.isFinite(start) && Number.isFinite(end) ? end - start : undefined;
  }

  function planLine(p) {
    const call = first(p, 'tool') ? `${first(p, 'tool')}[${text(first(p, 'input', 'args', 'arguments')) ?? ''}]` : text(first(p, 'input', 'args', 'arguments'));
    const after = [first(p, 'depends_on')].flat().filter(Boolean);
    return [first(p, 'id', 'name'), first(p, 'plan', 'description', 'thought'), call, after.length ? `after ${after.join(', ')}` : null].filter(Boolean).join(' · ');
  }

  /** Renders an agent-run trace (any shape close to plan + steps) as a timeline; returns the step count. */
  function renderTrace(container, input) {
    const trace = input?.trace && typeof input.trace === 'object' ? { ...input, ...input.trace } : (input ?? {});
    const steps = Array.isArray(trace) ? trace : (first(trace, 'steps', 'events', 'calls') ?? []);
    const plan = first(trace, 'plan');
    const nodes = [];

    const header = el('div', { class: 'trace-header' },
      el('strong', { text: first(trace, 'agent', 'name') ? `Agent ${first(trace, 'agent', 'name')}` : 'Agent run' }),
      first(trace, 'id', 'run_id') ? el('span', { class: 'muted', text: first(trace, 'id', 'run_id') }) : null,
      first(trace, 'status') ? badge(first(trace, 'status')) : null,
      durationOf(trace) !== undefined ? el('span', { text: `${number(durationOf(trace))} ms` }) : null,
      tokensOf(trace) !== undefined ? el('span', { text: `${number(tokensOf(trace))} tokens` }) : null);
    nodes.push(header);

    const roles = first(trace, 'roles', 'models');
    if (roles && typeof roles === 'object') {
      const entries = Array.isArray(roles) ? roles.map((r) => [first(r, 'role', 'name') ?? '?', r]) : Object.entries(roles);
      const modelOf = (r) => (typeof r === 'string' ? r : [first(r, 'model', 'models')].flat().filter(Boolean).join(', ') || '?');
      nodes.push(el('div', { class: 'trace-roles' }, entries.map(([role, r]) => el('span', { class: 'badge', 'data-role': role },
        `${role}: ${modelOf(r)}${typeof r === 'object' && first(r, 'calls') !== undefined ? ` · ${first(r, 'calls')} calls` : ''}${tokensOf(r) !== undefined ? ` · ${number(tokensOf(r))} tokens` : ''}`))));
    }

    const timings = first(trace, 'timings');
    if (timings && typeof timings === 'object' && !Array.isArray(timings)) {
      nodes.push(el('div', { class: 'trace-roles' }, Object.entries(timings).map(([name, ms]) => el('span', { class: 'badge', 'data-timing': name, text: `${name}: ${number(ms)} ms` }))));
    }

    if (typeof first(trace, 'error') === 'string') nodes.push(el('p', { class: 'error', text: first(trace, 'error') }));

    if (plan !== undefined) {
      const items = Array.isArray(plan) ? plan : (Array.isArray(plan?.steps) ? plan.steps : null);
      nodes.push(el('h3', { text: 'Plan' }));
      nodes.push(items
        ? el('ol', { class: 'trace-plan' }, items.map((p) => el('li', { text: typeof p === 'string' ? p : planLine(p) })))
        : el('pre', { class: 'trace-plan', text: text(plan) }));
    }

    const durations = steps.map(durationOf);
    const starts = steps.map((step) => Number(first(step, 'started_ms', 'offset_ms')));
    // With start offsets the bars share one time axis (a Gantt chart); without, they compare durations.
    const timed = starts.every(Number.isFinite) && durations.every(Number.isFinite);
    const longest = Math.max(1, ...durations.filter((d) => Number.isFinite(d)), ...(timed ? steps.map((_, i) => starts[i] + durations[i]) : []));
    nodes.push(el('h3', { text: `Steps (${steps.length})` }));
    steps.forEach((step, i) => {
      const status = String(first(step, 'status', 'state') ?? '');
      const body = el('div', { class: 'step-body' });
      for (const [label, value] of [['input', first(step, 'input', 'arguments', 'args', 'prompt')], ['output', first(step, 'output', 'result', 'observation')], ['evidence', first(step, 'evidence')], ['error', first(step, 'error')]]) {
        if (value !== undefined) body.append(el('span', { class: 'muted', text: label }), el('pre', { 'data-field': label, text: text(value) }));
      }
      const duration = durations[i];
      const bar = el('span');
      if (Number.isFinite(duration)) bar.style.width = `${Math.max(0.5, (duration / longest) * 100).toFixed(1)}%`;
      if (timed) bar.style.marginLeft = `${((starts[i] / longest) * 100).toFixed(1)}%`;
      nodes.push(el('div', { class: `step ${status.replace(/[^a-z-]/gi, '')}`, 'data-step': i },
        el('div', { class: 'step-head' },
          el('span', { class: 'index', text: `#${first(step, 'index', 'id') ?? i + 1}` }),
          first(step, 'role') ? el('span', { class: 'badge', 'data-field': 'role', text: first(step, 'role') }) : null,
          first(step, 'id') !== undefined && first(step, 'index') !== undefined ? el('span', { class: 'muted', text: first(step, 'id') }) : null,
          first(step, 'tool', 'name') ? el('strong', { 'data-field': 'tool', text: first(step, 'tool', 'name') }) : null,
          first(step, 'model') ? el('span', { class: 'muted', 'data-field': 'model', text: `model ${first(step, 'model')}` }) : null,
          status ? badge(status) : null,
          tokensOf(step) !== undefined ? el('span', { class: 'muted', 'data-field': 'tokens', text: `${number(tokensOf(step))} tokens` }) : null),
        body,
        Number.isFinite(duration) ? el('div', { class: 'duration' }, el('div', { class: 'bar' }, bar), el('span', { 'data-field': 'duration', text: `${number(duration)} ms` })) : null));
    });
    if (!steps.length) nodes.push(el('p', { class: 'muted', text: 'The trace has no steps.' }));

    const turns = first(trace, 'turns');
    if (Array.isArray(turns) && turns.length) {
      nodes.push(el('h3', { text: `Model turns (${turns.length})` }));
      turns.forEach((turn, i) => nodes.push(el('div', { class: 'step turn', 'data-turn': i },
        el('div', { class: 'step-head' },
          el('span', { class: 'index', text: `T${i + 1}` }),
          first(turn, 'role') ? el('span', { class: 'badge', text: first(turn, 'role') }) : null,
          first(turn, 'model') ? el('span', { class: 'muted', text: `model ${first(turn, 'model')}` }) : null,
          first(turn, 'next') ? el('span', { class: 'muted', text: `→ ${first(turn, 'next')}` }) : null),
        el('pre', { text: text(first(turn, 'content', 'text', 'output')) ?? '' }))));
    }

    const answer = first(trace, 'answer', 'output', 'final', 'result');
    if (answer !== undefined) nodes.push(el('div', { class: 'step answer-final' }, el('strong', { text: 'Answer' }), el('pre', { text: text(answer) })));
    container.replaceChildren(...nodes);
    return steps.length;
  }

  // ---- wiring ------------------------------------------------------------------------------------

  window.gatewayConsole = { renderTrace, renderPareto };

  document.addEventListener('DOMContentLoaded', async () => {
    $('#login-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('#login-key').value.trim()); });
    $('#logout').addEventListener('click', () => signOut());
    for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => selectTab(tab.dataset.tab));
    $('#models-refresh').addEventListener('click', refreshModels);
    $('#route-form').addEventListener('submit', (e) => { e.preventDefault(); runRoute(); });
    $('#route-send').addEventListener('click', sendChat);
    $('#route-profile').addEventListener('change', syncWeights);
    $('#route-override').addEventListener('change', syncWeights);
    $('#keys-refresh').addEventListener('click', refreshKeys);
    $('#key-form').addEventListener('submit', (e) => { e.preventDefault(); createKey(); });
    $('#agent-form').addEventListener('submit', (e) => { e.preventDefault(); startRun(); });
    $('#trace-load').addEventListener('click', loadTrace);

    const stored = key();
    if (stored) await signIn(stored);
  });
})();
