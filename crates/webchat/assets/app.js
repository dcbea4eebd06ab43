// The web chat page: sign-in, channel list, messages, and the WebSocket that carries events
// to the server and replies back. No framework; every piece of server text goes into the page
// through textContent, never as HTML, so nothing a message says can run as script.
'use strict';

const $ = (id) => document.getElementById(id);

const state = {
  user: null,
  channels: [],
  current: null, // {workspace, id, name}
  ws: null,
  retries: 0,
  signedOut: false,
  thread: null, // thread id the composer replies in
};

// ---- small DOM helper -------------------------------------------------------------------

/** Makes an element: attributes (strings), event handlers (on* functions), children (nodes or text). */
function h(tag, attrs, children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of [].concat(children === undefined ? [] : children)) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * The engine's rich text (an array of spans, see `engine::message::Rich`) as text nodes and
 * elements, never parsed as HTML or as markup: `code`, `strong`, and a mention as
 * `span.mention` (`you` when it is the signed-in user). A string (a message kept by an
 * earlier version) is shown as it is.
 */
function inline(spans) {
  const frag = document.createDocumentFragment();
  if (!Array.isArray(spans)) {
    frag.append(document.createTextNode(String(spans ?? '')));
    return frag;
  }
  for (const s of spans) {
    if (!s || typeof s !== 'object') continue;
    const text = String(s.text ?? '');
    if (s.type === 'code') frag.append(h('code', {}, text));
    else if (s.type === 'strong') frag.append(h('strong', {}, text));
    else if (s.type === 'mention') {
      const user = String(s.user ?? '');
      frag.append(h('span', { class: 'mention' + (user === state.user ? ' you' : '') }, '@' + user));
    } else frag.append(document.createTextNode(text));
  }
  return frag;
}

function notice(text) {
  const n = $('notice');
  if (!text) { n.hidden = true; n.textContent = ''; return; }
  n.textContent = text;
  n.hidden = false;
}

// ---- sign-in ----------------------------------------------------------------------------

function showSignin(message) {
  state.user = null;
  $('app').hidden = true;
  $('signin').hidden = false;
  const err = $('signin-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('token').focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value;
  let res;
  try {
    res = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch (e) {
    showSignin('Cannot reach the server: ' + e.message);
    return;
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    showSignin(res.status === 401 ? 'Wrong token.' : (body.error || 'Sign-in failed (' + res.status + ').'));
    return;
  }
  $('token').value = '';
  startApp(body.user);
}

async function signOut() {
  state.signedOut = true;
  await fetch('/api/logout', { method: 'POST' }).catch(() => {});
  if (state.ws) state.ws.close();
  showSignin('Signed out.');
}

// ---- channels ---------------------------------------------------------------------------

async function startApp(user) {
  state.user = user;
  state.signedOut = false;
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').textContent = user;
  const res = await fetch('/api/channels');
  if (res.status === 401) { showSignin('Your session ended; sign in again.'); return; }
  state.channels = (await res.json()).channels || [];
  const list = $('channel-list');
  list.replaceChildren();
  for (const c of state.channels) {
    list.append(h('li', {}, h('button', {
      type: 'button',
      'data-workspace': c.workspace,
      'data-channel': c.id,
      onclick: () => pick(c),
    }, '# ' + c.name)));
  }
  if (state.channels.length === 0) list.append(h('li', { class: 'hint' }, 'No channels configured.'));
  connect();
  const wanted = decodeURIComponent(location.hash.slice(1));
  const again = state.channels.find((c) => c.workspace + '/' + c.id === wanted);
  if (again) pick(again);
}

function pick(channel) {
  state.current = channel;
  state.thread = null;
  $('thread-bar').hidden = true;
  history.replaceState(null, '', '#' + encodeURIComponent(channel.workspace + '/' + channel.id));
  $('channel-title').textContent = '# ' + channel.name;
  for (const b of document.querySelectorAll('#channel-list button')) {
    const on = b.dataset.workspace === channel.workspace && b.dataset.channel === channel.id;
    b.setAttribute('aria-current', on ? 'true' : 'false');
  }
  $('messages').replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
  $('composer').hidden = false;
  notice('');
  sendRaw({ type: 'join', workspace: channel.workspace, channel: channel.id });
  $('input').focus();
}

// ---- the socket -------------------------------------------------------------------------

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(proto + '//' + location.host + '/api/ws');
  state.ws = ws;
  ws.onopen = () => {
    state.retries = 0;
    setStatus(true);
    if (state.current) sendRaw({ type: 'join', workspace: state.current.workspace, channel: state.current.id });
  };
  ws.onmessage = (ev) => {
    let frame;
    try { frame = JSON.parse(ev.data); } catch (e) { notice('The server sent a frame that is not JSON.'); return; }
    onFrame(frame);
  };
  ws.onclose = async () => {
    if (state.ws !== ws) return;
    state.ws = null;
    setStatus(false);
    if (state.signedOut) return;
    const me = await fetch('/api/me').catch(() => null);
    if (me && me.status === 401) { showSignin('Your session ended; sign in again.'); return; }
    const wait = Math.min(5000, 300 * 2 ** state.retries++);
    setTimeout(() => { if (!state.signedOut && state.user) connect(); }, wait);
  };
}

function setStatus(live) {
  const s = $('status');
  s.textContent = live ? 'live' : 'offline';
  s.classList.toggle('live', live);
}

function sendRaw(frame) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
  state.ws.send(JSON.stringify(frame));
  return true;
}

/** Sends an event in the current channel. */
function send(frame) {
  if (!state.current) return;
  const ok = sendRaw(Object.assign({ workspace: state.current.workspace, channel: state.current.id }, frame));
  if (!ok) notice('Not connected; reconnecting — try again in a moment.');
  else notice('');
}

function viewing(frame) {
  return state.current && frame.workspace === state.current.workspace && frame.channel === state.current.id;
}

function onFrame(frame) {
  switch (frame.type) {
    case 'hello':
      break;
    case 'history':
      if (!viewing(frame)) return;
      $('messages').replaceChildren();
      if (frame.messages.length === 0) $('messages').append(h('p', { class: 'hint', id: 'empty-hint' }, 'No messages yet. Try typing help.'));
      for (const e of frame.messages) upsert(e, false);
      scrollDown();
      break;
    case 'post':
    case 'update':
      if (viewing(frame)) upsert(frame, true);
      break;
    case 'error':
      notice(frame.error);
      break;
    default:
      break;
  }
}

function scrollDown() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

/** Shows a message, replacing the one with the same id in place. */
function upsert(entry, scroll) {
  const el = renderEntry(entry);
  const box = $('messages');
  const hint = document.getElementById('empty-hint');
  if (hint) hint.remove();
  const old = Array.from(box.children).find((c) => c.dataset.id === entry.message.id);
  if (old) { old.replaceWith(el); return; }
  // Follow new messages only when the reader was already at the bottom (or wrote this one).
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.append(el);
  if (scroll && (atBottom || entry.from === state.user)) box.scrollTop = box.scrollHeight;
}

// ---- rendering --------------------------------------------------------------------------

function timeOf(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderEntry(entry) {
  const m = entry.message;
  const cls = ['msg', entry.from ? 'user' : 'bot'];
  if (m.only_to) cls.push('private');
  const head = h('div', { class: 'head' }, [
    h('span', { class: 'who' }, entry.from || 'aws'),
    h('time', {}, timeOf(entry.at)),
    m.thread ? h('span', { class: 'tag thread', title: 'thread ' + m.thread }, 'in thread') : null,
    m.only_to ? h('span', { class: 'tag private' }, 'only visible to you') : null,
    h('button', {
      type: 'button',
      class: 'link reply',
      title: 'reply in thread',
      onclick: () => replyIn(m.thread || m.id),
    }, 'reply'),
  ]);
  const el = h('article', { class: cls.join(' '), 'data-id': m.id }, head);
  for (const b of m.blocks || []) {
    const rendered = renderBlock(b, m);
    if (rendered) el.append(h('div', { class: 'block block-' + b.type }, rendered));
  }
  return el;
}

function replyIn(thread) {
  state.thread = thread;
  $('thread-bar').hidden = false;
  $('input').focus();
}

function renderBlock(b, m) {
  switch (b.type) {
    case 'text':
      return h('div', { class: 'text' }, inline(b.text));
    case 'code':
      // An empty result (a write that answers nothing) would be an empty box: say so instead.
      if (!b.text.trim()) return h('div', { class: 'context empty-result' }, '(no output)');
      return h('pre', { class: 'code', 'data-language': b.language || null }, h('code', {}, b.text));
    case 'table':
      return h('div', { class: 'table-wrap' }, h('table', {}, [
        h('thead', {}, h('tr', {}, b.columns.map((c) => h('th', {}, c)))),
        h('tbody', {}, b.rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
      ]));
    case 'buttons':
      return h('div', { class: 'buttons' }, b.buttons.map((btn) => h('button', {
        type: 'button',
        class: 'btn ' + (btn.style || 'default'),
        onclick: () => {
          if (btn.confirm && !window.confirm(btn.confirm)) return;
          send({ type: 'action', message: m.id, action: btn.action, value: btn.value });
        },
      }, btn.label)));
    case 'menu': {
      const select = h('select', { 'aria-label': b.placeholder }, [
        h('option', { value: '', disabled: true, selected: true }, b.placeholder),
        ...b.options.map((o) => h('option', { value: o.value }, o.label)),
      ]);
      return h('div', { class: 'menu' }, [select, h('button', {
        type: 'button',
        class: 'btn',
        onclick: () => {
          if (!select.value) { notice('Choose an option first.'); return; }
          send({ type: 'action', message: m.id, action: b.action, value: select.value });
        },
      }, 'Choose')]);
    }
    case 'form':
      return renderForm(b, m);
    case 'context':
      return h('div', { class: 'context' }, inline(b.text));
    case 'image':
      // Only inline pictures: the page's policy loads nothing from elsewhere.
      return typeof b.url === 'string' && b.url.startsWith('data:image/')
        ? h('img', { class: 'image', src: b.url, alt: b.alt || '' })
        : h('div', { class: 'context' }, '(image: ' + (b.alt || '') + ')');
    case 'file': {
      const url = URL.createObjectURL(new Blob([b.content], { type: b.content_type || 'application/octet-stream' }));
      return h('a', { class: 'file', href: url, download: b.name }, '⬇ ' + b.name);
    }
    default:
      return h('div', { class: 'context' }, '(a ' + b.type + ' block this page cannot show)');
  }
}

function renderForm(b, m) {
  const inputs = [];
  const children = [h('h3', {}, b.title)];
  b.fields.forEach((f, i) => {
    const id = 'f-' + m.id + '-' + i;
    let input;
    if (f.options && f.options.length) {
      input = h('select', { id, name: f.name, required: !f.optional }, [
        h('option', { value: '' }, f.optional ? '(none)' : 'Choose…'),
        ...f.options.map((o) => h('option', { value: o.value }, o.label)),
      ]);
    } else if (f.multiline) {
      input = h('textarea', { id, name: f.name, rows: 4, required: !f.optional });
    } else {
      input = h('input', { id, name: f.name, type: 'text', required: !f.optional });
    }
    inputs.push([f.name, input]);
    children.push(h('label', { for: id }, f.label + (f.optional ? ' (optional)' : '')), input);
  });
  children.push(h('button', { type: 'submit', class: 'btn primary' }, b.submit || 'Submit'));
  return h('form', {
    class: 'form',
    onsubmit: (ev) => {
      ev.preventDefault();
      send({ type: 'form', message: m.id, action: b.action, values: inputs.map(([n, el]) => [n, el.value]) });
    },
  }, children);
}

// ---- composer ---------------------------------------------------------------------------

function submitText(event) {
  event.preventDefault();
  const input = $('input');
  const text = input.value.trim();
  if (!text) return;
  send({ type: 'text', text, thread: state.thread });
  input.value = '';
}

function boot() {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('composer').addEventListener('submit', submitText);
  $('thread-clear').addEventListener('click', () => { state.thread = null; $('thread-bar').hidden = true; });
  $('input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) submitText(ev);
  });
  fetch('/api/me')
    .then((res) => (res.ok ? res.json().then((b) => startApp(b.user)) : showSignin()))
    .catch(() => showSignin('Cannot reach the server.'));
}

document.addEventListener('DOMContentLoaded', boot);
