// The Mini App's page: the client card and the timeline, read from Caseline's API with the
// init data Telegram signed for this page. No framework, nothing fetched from elsewhere.
// Everything from the API is inserted as text (textContent), never as HTML.
"use strict";

(function () {
  const hash = new URLSearchParams(location.hash.slice(1));
  // Inside Telegram the init data and the theme come in the address's fragment (and in
  // window.Telegram.WebApp when Telegram's script is loaded; this page does not need it).
  const initData = (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData)
    || hash.get("tgWebAppData") || "";
  const clientId = new URLSearchParams(location.search).get("client");

  function applyTheme() {
    let theme = {};
    try { theme = JSON.parse(hash.get("tgWebAppThemeParams") || "{}"); } catch (e) { theme = {}; }
    for (const [key, value] of Object.entries(theme)) {
      if (/^[a-z_]+$/.test(key) && /^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
      }
    }
  }

  function tellTelegramReady() {
    const event = { eventType: "web_app_ready", eventData: {} };
    if (window.TelegramWebviewProxy) {
      window.TelegramWebviewProxy.postEvent(event.eventType, JSON.stringify(event.eventData));
    } else if (window.external && "notify" in window.external) {
      window.external.notify(JSON.stringify(event));
    } else if (window.parent !== window) {
      window.parent.postMessage(JSON.stringify(event), "https://web.telegram.org");
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The worker's zone and language, as the chat shows times (each API answer says them).
  let reader = { zone: undefined, language: undefined };

  function when(iso, withTime) {
    if (!iso) return "";
    // A calendar date is that day wherever the reader is; a moment is shown in their zone.
    const day = iso.length === 10;
    const date = new Date(day ? iso + "T12:00:00Z" : iso);
    const options = withTime && !day ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
    options.timeZone = day ? "UTC" : reader.zone;
    try {
      return date.toLocaleString(reader.language, options);
    } catch (error) {
      return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: withTime ? "short" : undefined });
    }
  }

  function words(code) {
    return code ? String(code).replace(/_/g, " ") : "";
  }

  function section(parent, title) {
    parent.append(el("h2", "", title));
    const box = el("div", "box");
    parent.append(box);
    return box;
  }

  function row(box, label, text, className) {
    const line = el("div", "row");
    if (label) line.append(el("div", "label", label));
    if (text !== undefined && text !== null && text !== "") {
      line.append(el("div", "text " + (className || ""), text));
    }
    box.append(line);
    return line;
  }

  async function api(path, body) {
    const request = { headers: { Authorization: `tma ${initData}` }, cache: "no-store" };
    if (body !== undefined) {
      request.method = "POST";
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    const response = await fetch(`api/clients/${encodeURIComponent(clientId)}${path}`, request);
    if (response.status === 401) throw new Error("Please close this page and open it again from the chat.");
    if (response.status === 404) throw new Error("This client isn't available to you.");
    if (response.status === 422) {
      const reason = (await response.json()).error;
      throw new Error(reason === "too_long" ? "The note is too long." : "Write the note first.");
    }
    if (!response.ok) throw new Error("Caseline could not answer. Try again in a moment.");
    const answer = await response.json();
    if (answer.reader) reader = answer.reader;
    return answer;
  }

  // One token per note: sent again after a lost answer, it finds the note already saved.
  function newToken() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  let noteToken = newToken();

  async function saveNote(event) {
    event.preventDefault();
    const save = document.getElementById("save");
    const said = document.getElementById("saved");
    const text = document.getElementById("note-text");
    save.disabled = true;
    said.textContent = "Saving…";
    try {
      await api("/notes", { kind: document.getElementById("kind").value, text: text.value, token: noteToken });
      noteToken = newToken();
      text.value = "";
      said.textContent = "Saved.";
      historyLoaded = false;
      renderCard(await api(""));
    } catch (error) {
      said.textContent = error.message;
    } finally {
      save.disabled = false;
    }
  }

  function renderCard(card) {
    const client = card.client;
    document.getElementById("name").textContent = client.name;
    document.getElementById("meta").textContent =
      [client.code, words(client.program), words(client.status)].filter(Boolean).join(" · ");
    const panel = document.getElementById("card");
    panel.replaceChildren();
    const about = section(panel, "Client");
    if (client.risk_level > 0) row(about, "Risk", client.risk_reason || "flagged", "risk");
    row(about, "Worker", card.worker || "none");
    if (client.phone) {
      const line = row(about, "Phone");
      const call = el("a", "call", client.phone);
      call.href = `tel:${client.phone.replace(/[^0-9+]/g, "")}`;
      line.append(call);
    }
    if (client.address) row(about, "Address", client.address);
    if (client.date_of_birth) row(about, "Born", when(client.date_of_birth, false));
    row(about, "Last contact", client.last_contact_at ? when(client.last_contact_at, true) : "never");
    if (card.safety_plan) row(about, "Safety plan", "in place");
    for (const kind of card.waiting) row(about, "Waiting for approval", words(kind));

    if (card.upcoming.length) {
      const box = section(panel, "Upcoming");
      for (const visit of card.upcoming) {
        row(box, when(visit.starts_at, true), [words(visit.kind), visit.place].filter(Boolean).join(" · "));
      }
    }
    if (card.plan) {
      const box = section(panel, `Plan v${card.plan.version}`);
      if (card.plan.next_review_on) row(box, "Next review", when(card.plan.next_review_on, false));
      for (const goal of card.open_goals) row(box, words(goal.status), goal.description);
    }
    if (card.open_referrals) row(section(panel, "Referrals"), "Open", card.open_referrals);
    if (card.recent_notes.length) {
      const box = section(panel, "Recent notes");
      for (const note of card.recent_notes) {
        const line = row(box, `${when(note.occurred_at, true)} · ${words(note.interaction_type)}`,
          noteText(note), note.risk ? "risk" : "");
        if (note.amended) line.append(el("div", "label", "amended — see History"));
        for (const comment of note.comments) line.append(commentNode(comment));
      }
    }
  }

  function noteText(note) {
    const dap = (note.dap || []).filter(Boolean);
    return [note.text, ...dap].filter(Boolean).join("\n\n");
  }

  function commentNode(comment) {
    const node = el("div", "comment");
    node.append(el("div", "label", `${comment.cosign ? "Co-signed" : "Comment"} · ${comment.author || ""} · ${when(comment.at, true)}`));
    if (comment.text) node.append(el("div", "text", comment.text));
    return node;
  }

  function renderHistory(history) {
    const panel = document.getElementById("history");
    panel.replaceChildren();
    const box = section(panel, `${history.events.length} entries`);
    for (const event of history.events) {
      const heading = [when(event.at, true), words(event.kind), words(event.label), words(event.status), event.author]
        .filter(Boolean).join(" · ");
      const text = event.kind === "note" ? noteText({ text: event.text, dap: event.extra.dap }) : event.text;
      const line = row(box, heading, text);
      for (const amendment of event.amendments) {
        const node = el("div", "amendment");
        node.append(el("div", "label", `Amended · ${amendment.author || ""} · ${when(amendment.at, true)}`));
        node.append(el("div", "text", amendment.text));
        line.append(node);
      }
      for (const comment of event.comments) line.append(commentNode(comment));
    }
  }

  const status = () => document.getElementById("status");
  let historyLoaded = false;

  async function show(tab) {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    }
    document.getElementById("card").hidden = tab !== "card";
    document.getElementById("composer").hidden = tab !== "card";
    document.getElementById("history").hidden = tab !== "history";
    if (tab === "history" && !historyLoaded) {
      status().textContent = "Loading…";
      try {
        renderHistory(await api("/history"));
        historyLoaded = true;
        status().textContent = "";
      } catch (error) {
        status().textContent = error.message;
      }
    }
  }

  async function start() {
    applyTheme();
    tellTelegramReady();
    for (const button of document.querySelectorAll("#tabs button")) {
      button.addEventListener("click", () => show(button.dataset.tab));
    }
    if (!initData || !clientId || !/^[0-9]+$/.test(clientId)) {
      status().textContent = "Open this page from a client's card in the chat (🗂 Open).";
      return;
    }
    document.getElementById("composer").addEventListener("submit", saveNote);
    try {
      renderCard(await api(""));
      status().textContent = "";
      document.getElementById("composer").hidden = false;
    } catch (error) {
      status().textContent = error.message;
    }
  }

  start();
})();
