// Caseline demo: a Telegram-like chat page over the demo's JSON API (see bot/demo/web.py).
//
// Messages arrive as Telegram gives them to a client: `text` plus `entities`. They are
// turned into DOM nodes here; no text from the server is ever parsed as HTML (nothing
// is assigned as markup), so a worker's stray `<b>` stays text.
"use strict";

const POLL_RETRY_MS = 1500;
const TOAST_MS = 2600;

const ui = {
  people: document.getElementById("people"),
  clock: document.getElementById("clock"),
  zone: document.getElementById("zone"),
  jumps: document.getElementById("jumps"),
  clockStatus: document.getElementById("clock-status"),
  botName: document.getElementById("bot-name"),
  botSub: document.getElementById("bot-sub"),
  asLabel: document.getElementById("as-label"),
  offline: document.getElementById("offline"),
  toast: document.getElementById("toast"),
  messages: document.getElementById("messages"),
  menu: document.getElementById("menu"),
  menuButton: document.getElementById("menu-button"),
  replyKeyboard: document.getElementById("reply-keyboard"),
  composer: document.getElementById("composer"),
  text: document.getElementById("text"),
  attach: document.getElementById("attach"),
  file: document.getElementById("file"),
  alert: document.getElementById("alert"),
  alertText: document.getElementById("alert-text"),
};

const state = {
  people: [],
  languages: [], // [{code, name}]: "" is the organisation's language
  current: null, // the person chatting (a seeded Telegram user id)
  cursor: "",
  generation: 0, // bumps on every switch: stale long polls are dropped
  poll: null, // AbortController of the running long poll
  seen: {}, // bot messages seen per person (for unread badges)
  counts: {},
  nodes: new Map(), // message id -> {sig, node}
  days: new Map(), // day -> separator node
  commands: [],
  jumping: false,
  toastTimer: null,
};

// -- small DOM helpers ----------------------------------------------------------------------

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join("");
}

function safeUrl(raw) {
  try {
    const url = new URL(raw, window.location.href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch (error) {
    return null;
  }
}

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function fileUrl(fileId, download) {
  return `/api/file/${encodeURIComponent(fileId)}${download ? "?download=1" : ""}`;
}

// -- the API --------------------------------------------------------------------------------

async function api(path, options = {}) {
  const init = { method: options.method || "GET", signal: options.signal, headers: {} };
  if (options.json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.json);
  } else if (options.form) {
    init.body = options.form;
  }
  const response = await fetch(path, init);
  let payload = null;
  try {
    payload = await response.json();
  } catch (error) {
    payload = null;
  }
  if (!response.ok || !payload || payload.ok === false) {
    throw new Error((payload && payload.error) || `HTTP ${response.status}`);
  }
  return payload;
}

// -- Telegram entities -> DOM ---------------------------------------------------------------
// Offsets and lengths are UTF-16 code units, which is exactly how JavaScript indexes strings.

function entityNode(entity, covered) {
  switch (entity.type) {
    case "bold":
      return el("b");
    case "italic":
      return el("i");
    case "underline":
      return el("u");
    case "strikethrough":
      return el("s");
    case "spoiler": {
      const node = el("span", "spoiler");
      node.title = "Show";
      node.addEventListener("click", () => node.classList.add("revealed"));
      return node;
    }
    case "code":
      return el("code");
    case "pre":
      return el("pre");
    case "blockquote":
    case "expandable_blockquote":
      return el("blockquote");
    case "text_link":
    case "url":
    case "email": {
      const target =
        entity.type === "text_link"
          ? entity.url
          : entity.type === "email"
            ? `mailto:${covered}`
            : /^[a-z]+:\/\//i.test(covered)
              ? covered
              : `http://${covered}`;
      const href = safeUrl(target || "");
      if (!href) return el("span", "link");
      const link = el("a", "link");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    case "bot_command": {
      const link = el("a", "command");
      link.href = "#";
      link.title = `Send ${covered}`;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        sendText(covered);
      });
      return link;
    }
    case "mention":
    case "hashtag":
    case "cashtag":
    case "text_mention":
      return el("span", "mention");
    default:
      return el("span");
  }
}

function renderEntities(text, entities) {
  const sorted = (entities || [])
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .slice()
    .sort((a, b) => a.offset - b.offset || b.length - a.length);

  function build(start, end, list) {
    const fragment = document.createDocumentFragment();
    let position = start;
    let index = 0;
    while (index < list.length) {
      const entity = list[index];
      const from = Math.max(entity.offset, position);
      const to = Math.min(entity.offset + entity.length, end);
      // Entities nested inside this one (Telegram nests; overlaps are clipped).
      let next = index + 1;
      while (next < list.length && list[next].offset < entity.offset + entity.length) next += 1;
      if (from < to) {
        if (from > position) fragment.append(text.slice(position, from));
        const node = entityNode(entity, text.slice(entity.offset, entity.offset + entity.length));
        node.append(build(from, to, list.slice(index + 1, next)));
        fragment.append(node);
        position = to;
      }
      index = next;
    }
    if (position < end) fragment.append(text.slice(position, end));
    return fragment;
  }

  return build(0, text.length, sorted);
}

// -- one message ----------------------------------------------------------------------------

function attachmentNodes(message) {
  const nodes = [];
  if (message.photo) {
    const link = el("a", "photo-link");
    link.href = fileUrl(message.photo.file_id, false);
    link.target = "_blank";
    link.rel = "noopener";
    const image = el("img", "photo");
    image.alt = "Photo";
    image.src = fileUrl(message.photo.file_id, false);
    image.addEventListener("load", () => stickToBottom(false));
    link.append(image);
    nodes.push(link);
  }
  if (message.document) {
    const doc = message.document;
    const link = el(
      "a",
      "attachment document",
      el("span", "attachment-icon", "📄"),
      el(
        "span",
        "attachment-body",
        el("span", "attachment-name", doc.file_name),
        el("span", "attachment-detail", [formatSize(doc.size), doc.mime_type].filter(Boolean).join(" · ")),
      ),
    );
    link.href = fileUrl(doc.file_id, true);
    link.download = doc.file_name;
    link.title = `Download ${doc.file_name}`;
    nodes.push(link);
  }
  if (message.voice) {
    const voice = message.voice;
    const play = el("button", "play", "▶");
    play.type = "button";
    play.title = "Play the voice note";
    const audio = el("audio");
    audio.preload = "none";
    audio.src = fileUrl(voice.file_id, false);
    play.addEventListener("click", () => {
      if (audio.paused) {
        audio.play().then(
          () => (play.textContent = "⏸"),
          () => (play.title = "This voice note cannot be played here"),
        );
      } else {
        audio.pause();
        play.textContent = "▶";
      }
    });
    audio.addEventListener("ended", () => (play.textContent = "▶"));
    const save = el("a", "voice-save", "⬇");
    save.href = fileUrl(voice.file_id, true);
    save.title = "Download the voice note";
    nodes.push(
      el(
        "div",
        "attachment voice",
        play,
        el(
          "span",
          "attachment-body",
          el("span", "attachment-name", "🎤 Voice message"),
          el("span", "attachment-detail", [formatDuration(voice.duration), formatSize(voice.size)].filter(Boolean).join(" · ")),
        ),
        save,
        audio,
      ),
    );
  }
  if (message.sticker) nodes.push(el("div", "sticker", message.sticker));
  if (message.location) {
    const { latitude, longitude } = message.location;
    nodes.push(el("div", "attachment", el("span", "attachment-icon", "📍"), `${latitude}, ${longitude}`));
  }
  if (message.contact) {
    nodes.push(
      el("div", "attachment", el("span", "attachment-icon", "👤"), `${message.contact.first_name} ${message.contact.phone_number}`),
    );
  }
  return nodes;
}

function inlineKeyboard(message) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of message.inline_keyboard) {
    const line = el("div", "inline-row");
    for (const button of row) {
      let node;
      if (button.url) {
        node = el("a", "inline-button url", button.text, el("span", "corner", "↗"));
        const href = safeUrl(button.url);
        if (href) {
          node.href = href;
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        }
      } else if (button.web_app) {
        // A Mini App button: the page opens in a phone-sized window, with init data the
        // demo signs for this person as Telegram would.
        node = el("button", "inline-button web-app", button.text);
        node.type = "button";
        node.addEventListener("click", () => openWebApp(button.web_app));
      } else {
        node = el("button", "inline-button", button.text);
        node.type = "button";
        if (button.data === null || button.data === undefined) {
          node.disabled = true;
        } else {
          node.addEventListener("click", () => press(message.id, button.data, node));
        }
      }
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function messageNode(message) {
  const row = el("div", `row ${message.from_bot ? "incoming" : "outgoing"}`);
  row.dataset.id = String(message.id);
  const bubble = el("div", "bubble");
  const media = attachmentNodes(message);
  if (message.photo && !message.caption) bubble.classList.add("media-only");
  bubble.append(...media);
  const body = message.text !== null && message.text !== undefined ? message.text : message.caption;
  const entities = message.text !== null && message.text !== undefined ? message.entities : message.caption_entities;
  if (body) bubble.append(el("div", "text", renderEntities(body, entities)));
  const meta = el("span", "meta");
  if (message.edited) meta.append(el("span", "edited", "edited"));
  meta.append(el("span", "time", message.time));
  if (!message.from_bot) meta.append(el("span", "ticks", "✓✓"));
  bubble.append(meta);
  const column = el("div", "column", bubble);
  if (message.inline_keyboard && message.inline_keyboard.length) column.append(inlineKeyboard(message));
  row.append(column);
  return row;
}

function dayNode(message) {
  let node = state.days.get(message.day);
  if (!node) {
    node = el("div", "day", el("span", null, message.day_label));
    state.days.set(message.day, node);
  }
  return node;
}

// -- drawing a chat -------------------------------------------------------------------------

function nearBottom() {
  const box = ui.messages;
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function stickToBottom(force) {
  if (force || nearBottom()) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function renderMessages(messages) {
  const wanted = [];
  const keep = new Set();
  let lastDay = null;
  for (const message of messages) {
    if (message.day !== lastDay) {
      wanted.push(dayNode(message));
      lastDay = message.day;
    }
    const sig = JSON.stringify(message);
    let entry = state.nodes.get(message.id);
    if (!entry || entry.sig !== sig) {
      const node = messageNode(message);
      if (entry && entry.node.parentNode) entry.node.replaceWith(node);
      entry = { sig, node };
      state.nodes.set(message.id, entry);
    }
    keep.add(message.id);
    wanted.push(entry.node);
  }
  for (const [id, entry] of state.nodes) {
    if (!keep.has(id)) {
      entry.node.remove();
      state.nodes.delete(id);
    }
  }
  const box = ui.messages;
  wanted.forEach((node, index) => {
    if (box.children[index] !== node) box.insertBefore(node, box.children[index] || null);
  });
  while (box.children.length > wanted.length) box.lastChild.remove();
  if (!messages.length) {
    box.append(el("div", "empty", "No messages yet. Send /help, /note or /today to start."));
  }
}

function renderReplyKeyboard(keyboard, choices) {
  ui.replyKeyboard.replaceChildren();
  ui.replyKeyboard.hidden = !keyboard;
  if (!keyboard) return;
  // Telegram's request-location button: the phone would share where it is; here the
  // person picks where "the phone" is (the client's seeded home, or 2 km away).
  const picker = el("div", "reply-row location-choices", el("span", "choices-label", "📍 Share location:"));
  picker.hidden = true;
  for (const choice of choices || []) {
    const option = el("button", "reply-button choice", choice.label);
    option.type = "button";
    option.addEventListener("click", () => shareLocation(choice));
    picker.append(option);
  }
  for (const row of keyboard.rows) {
    const line = el("div", "reply-row");
    for (const label of row) {
      const button = el("button", "reply-button", label);
      button.type = "button";
      if (keyboard.location && label === keyboard.location) {
        button.classList.add("location");
        button.addEventListener("click", () => (picker.hidden = !picker.hidden));
      } else {
        button.addEventListener("click", () => sendText(label));
      }
      line.append(button);
    }
    ui.replyKeyboard.append(line);
  }
  if (keyboard.location) ui.replyKeyboard.append(picker);
}

function renderClock(clock) {
  if (!clock) return;
  ui.clock.textContent = clock.label;
  ui.zone.textContent = clock.zone;
  const existing = new Map([...ui.jumps.children].map((b) => [b.dataset.jump, b]));
  for (const jump of clock.jumps) {
    let button = existing.get(jump.id);
    if (!button) {
      button = el("button", "jump");
      button.type = "button";
      button.dataset.jump = jump.id;
      button.addEventListener("click", () => jumpClock(jump.id));
      ui.jumps.append(button);
    }
    button.textContent = jump.label;
    button.disabled = state.jumping;
  }
}

function renderPeople() {
  ui.people.replaceChildren();
  for (const person of state.people) {
    const unread = Math.max(0, (state.counts[person.id] || 0) - (state.seen[person.id] || 0));
    const button = el(
      "button",
      `person${person.id === state.current ? " active" : ""}`,
      el("span", `avatar role-${person.role}`, initials(person.name)),
      el(
        "span",
        "person-text",
        el("span", "person-name", person.name),
        el("span", "person-role", person.role === "supervisor" ? "Supervisor" : "Case worker"),
      ),
      person.id !== state.current && unread ? el("span", "badge", String(unread)) : null,
    );
    button.type = "button";
    button.dataset.user = String(person.id);
    button.setAttribute("aria-pressed", person.id === state.current ? "true" : "false");
    button.addEventListener("click", () => switchTo(person.id));
    ui.people.append(el("div", "person-row", button, languageSelect(person)));
  }
}

// The language Caseline speaks to this person (their worker's, as /settings would set it).
function languageSelect(person) {
  const select = el("select", "person-language");
  select.setAttribute("aria-label", `Language of ${person.name}`);
  select.title = "Language";
  for (const language of state.languages) {
    const option = el("option", null, language.code ? language.code.toUpperCase() : "—");
    option.value = language.code;
    option.title = language.name;
    option.selected = language.code === person.language;
    select.append(option);
  }
  select.addEventListener("change", () => setLanguage(person, select.value));
  return select;
}

async function setLanguage(person, language) {
  try {
    await api("/api/language", { method: "POST", json: { user: person.id, language } });
    person.language = language;
    if (person.id === state.current) {
      const chat = await api(`/api/chat/${person.id}`);
      state.commands = chat.commands;
      renderCommands();
    }
  } catch (error) {
    showError(error);
  }
}

function renderCommands() {
  ui.menu.replaceChildren();
  for (const command of state.commands) {
    const item = el(
      "button",
      "menu-item",
      el("span", "menu-command", `/${command.command}`),
      el("span", "menu-description", command.description),
    );
    item.type = "button";
    item.addEventListener("click", () => {
      toggleMenu(false);
      sendText(`/${command.command}`);
    });
    ui.menu.append(item);
  }
}

function render(payload, forceScroll) {
  if (payload.user !== state.current) return;
  const atBottom = nearBottom();
  state.cursor = payload.cursor;
  for (const [id, count] of Object.entries(payload.counts || {})) state.counts[Number(id)] = count;
  state.seen[state.current] = state.counts[state.current] || 0;
  renderPeople();
  renderClock(payload.clock);
  renderMessages(payload.messages);
  renderReplyKeyboard(payload.reply_keyboard, payload.location_choices);
  // After the reply keyboard, which takes room from the messages.
  if (forceScroll || atBottom) stickToBottom(true);
  ui.text.placeholder = payload.placeholder || "Message";
  if (payload.commands) {
    state.commands = payload.commands;
    renderCommands();
  }
  const person = state.people.find((p) => p.id === state.current);
  if (person && "language" in payload && payload.language !== person.language) {
    person.language = payload.language;
    renderPeople();
  }
  for (const toast of payload.toasts || []) showToast(toast.text, toast.alert);
  for (const id of payload.answered || []) {
    const entry = state.nodes.get(id);
    if (!entry) continue;
    for (const button of entry.node.querySelectorAll(".inline-button.pressed")) {
      button.classList.remove("pressed");
      button.disabled = false;
    }
  }
}

// -- notices --------------------------------------------------------------------------------

function showToast(text, alert) {
  if (alert) {
    ui.alertText.textContent = text;
    if (!ui.alert.open) ui.alert.showModal();
    return;
  }
  ui.toast.textContent = text;
  ui.toast.hidden = false;
  clearTimeout(state.toastTimer);
  state.toastTimer = setTimeout(() => (ui.toast.hidden = true), TOAST_MS);
}

function showError(error) {
  showToast(`⚠ ${error.message || error}`, false);
}

// -- what the person does -------------------------------------------------------------------

async function sendText(text) {
  const clean = text.trim();
  if (!clean || state.current === null) return;
  try {
    render(await api("/api/send", { method: "POST", json: { user: state.current, text: clean } }), true);
  } catch (error) {
    showError(error);
  }
}

async function shareLocation(choice) {
  if (state.current === null) return;
  const body = { user: state.current, latitude: choice.latitude, longitude: choice.longitude };
  try {
    render(await api("/api/location", { method: "POST", json: body }), true);
  } catch (error) {
    showError(error);
  }
}

async function openWebApp(url) {
  // Opened before the answer arrives, so the browser counts it as the tap's own window.
  const popup = window.open("about:blank", "_blank", "popup,width=390,height=844");
  if (popup) popup.opener = null;
  try {
    const link = await api("/api/webapp", { method: "POST", json: { user: state.current, url } });
    if (popup) popup.location.href = link.url;
  } catch (error) {
    if (popup) popup.close();
    showToast(error.message, true);
  }
}

async function press(messageId, data, button) {
  button.classList.add("pressed");
  button.disabled = true;
  try {
    render(await api("/api/press", { method: "POST", json: { user: state.current, message_id: messageId, data } }), false);
  } catch (error) {
    showError(error);
  } finally {
    // Pending until the bot answers the press or redraws the message (see render), and
    // never longer than Telegram's own spinner would spin.
    setTimeout(() => {
      button.classList.remove("pressed");
      button.disabled = false;
    }, 10000);
  }
}

function audioDuration(file) {
  return new Promise((resolve) => {
    const audio = document.createElement("audio");
    const url = URL.createObjectURL(file);
    const done = (value) => {
      URL.revokeObjectURL(url);
      resolve(value);
    };
    audio.preload = "metadata";
    audio.addEventListener("loadedmetadata", () => done(Number.isFinite(audio.duration) ? audio.duration : 1));
    audio.addEventListener("error", () => done(1));
    setTimeout(() => done(1), 2000);
    audio.src = url;
  });
}

async function upload(file) {
  const form = new FormData();
  form.append("user", String(state.current));
  form.append("file", file, file.name);
  const caption = ui.text.value.trim();
  if (caption) form.append("caption", caption);
  if (file.type.startsWith("audio/")) form.append("duration", String(Math.round(await audioDuration(file))));
  try {
    render(await api("/api/upload", { method: "POST", form }), true);
    ui.text.value = "";
    resizeInput();
  } catch (error) {
    showError(error);
  }
}

async function jumpClock(jump) {
  if (state.jumping) return;
  state.jumping = true;
  for (const button of ui.jumps.children) button.disabled = true;
  ui.clockStatus.textContent = "Moving the clock; the reminder job is running…";
  try {
    const result = await api("/api/clock", { method: "POST", json: { jump } });
    const due = result.due;
    const parts = [];
    if (due.appointments) parts.push(`${due.appointments} reminder${due.appointments > 1 ? "s" : ""}`);
    if (due.agendas) parts.push(`${due.agendas} morning agenda${due.agendas > 1 ? "s" : ""}`);
    if (due.digests) parts.push(`${due.digests} digest${due.digests > 1 ? "s" : ""}`);
    ui.clockStatus.textContent = parts.length
      ? `Due now: ${parts.join(", ")}; ${result.sent} sent.`
      : "Nothing new was due.";
    state.jumping = false;
    renderClock(result.clock);
  } catch (error) {
    ui.clockStatus.textContent = "";
    showError(error);
  } finally {
    state.jumping = false;
    for (const button of ui.jumps.children) button.disabled = false;
  }
}

function toggleMenu(open) {
  const show = open === undefined ? ui.menu.hidden : open;
  ui.menu.hidden = !show || !state.commands.length;
  ui.menuButton.setAttribute("aria-expanded", show ? "true" : "false");
}

// -- switching people and the long poll -----------------------------------------------------

async function switchTo(userId) {
  if (state.poll) state.poll.abort();
  state.generation += 1;
  const generation = state.generation;
  state.current = userId;
  state.cursor = "";
  state.nodes.clear();
  state.days.clear();
  ui.messages.replaceChildren();
  toggleMenu(false);
  if (String(userId) !== window.location.hash.slice(1)) {
    history.replaceState(null, "", `#${userId}`);
  }
  const person = state.people.find((p) => p.id === userId);
  ui.asLabel.replaceChildren(
    el("span", "as-prefix", "You are "),
    el("strong", null, person ? person.name : String(userId)),
  );
  renderPeople();
  pollLoop(generation);
  ui.text.focus();
}

async function pollLoop(generation) {
  let first = true;
  while (generation === state.generation) {
    const controller = new AbortController();
    state.poll = controller;
    const wait = first ? "0" : "1";
    const path = `/api/chat/${state.current}?after=${encodeURIComponent(state.cursor)}&wait=${wait}`;
    try {
      const payload = await api(path, { signal: controller.signal });
      if (generation !== state.generation) return;
      ui.offline.hidden = true;
      render(payload, first);
      first = false;
    } catch (error) {
      if (generation !== state.generation || controller.signal.aborted) return;
      ui.offline.hidden = false;
      await new Promise((resolve) => setTimeout(resolve, POLL_RETRY_MS));
    }
  }
}

// -- the input ------------------------------------------------------------------------------

function resizeInput() {
  ui.text.style.height = "auto";
  ui.text.style.height = `${Math.min(ui.text.scrollHeight, 160)}px`;
}

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.text.value;
  ui.text.value = "";
  resizeInput();
  sendText(text);
});

ui.text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});
ui.text.addEventListener("input", resizeInput);
ui.attach.addEventListener("click", () => ui.file.click());
ui.file.addEventListener("change", () => {
  const [file] = ui.file.files;
  ui.file.value = "";
  if (file) upload(file);
});
ui.menuButton.addEventListener("click", () => toggleMenu());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") toggleMenu(false);
});
window.addEventListener("hashchange", () => {
  const id = Number(window.location.hash.slice(1));
  if (id && id !== state.current && state.people.some((p) => p.id === id)) switchTo(id);
});

async function start() {
  try {
    const info = await api("/api/people");
    state.people = info.people;
    state.languages = info.languages;
    state.commands = info.commands;
    ui.botName.textContent = info.bot.name;
    ui.botSub.textContent = `@${info.bot.username} · bot`;
    renderCommands();
    renderClock(info.clock);
    const fromHash = Number(window.location.hash.slice(1));
    const first = state.people.some((p) => p.id === fromHash) ? fromHash : state.people[0].id;
    switchTo(first);
  } catch (error) {
    ui.offline.hidden = false;
    setTimeout(start, POLL_RETRY_MS);
  }
}

start();
