// The Mini App's page: the client card and the timeline (?client=<id>), and for supervisors
// the team view behind the digest's figures (?view=team), read from Caseline's API with the
// init data Telegram signed for this page. No framework, nothing fetched from elsewhere.
// Everything from the API is inserted as text (textContent), never as HTML.
"use strict";

(function () {
  const hash = new URLSearchParams(location.hash.slice(1));
  // Inside Telegram the init data and the theme come in the address's fragment (and in
  // window.Telegram.WebApp when Telegram's script is loaded; this page does not need it).
  const initData = (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData)
    || hash.get("tgWebAppData") || "";
  const query = new URLSearchParams(location.search);
  const clientId = query.get("client");
  const teamView = query.get("view") === "team";
  const teamName = query.get("team") || "";

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
    return fetchJson(`api/clients/${encodeURIComponent(clientId)}${path}`, body,
      "This client isn't available to you.");
  }

  async function fetchJson(url, body, notFound) {
    const request = { headers: { Authorization: `tma ${initData}` }, cache: "no-store" };
    if (body !== undefined) {
      request.method = "POST";
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    const response = await fetch(url, request);
    if (response.status === 401) throw new Error("Please close this page and open it again from the chat.");
    if (response.status === 403) throw new Error("Only supervisors can see the team view.");
    if (response.status === 404) throw new Error(notFound);
    if (response.status === 422) {
      const reason = (await response.json()).error;
      throw new Error(reason === "too_long" ? "The note is too long." : "Write the note first.");
    }
    if (response.status === 409) {
      const answer = await response.json();
      const error = new Error("Which team? Choose one:");
      error.teams = answer.teams || [];
      throw error;
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

  // What the header says on each tab: the client's on the card and history, the team's on
  // the team view.
  const headings = {};
  let current = "card";

  function heading(tab, title, meta) {
    headings[tab] = [title, meta];
    showHeading();
  }

  function showHeading() {
    const shown = headings[current === "team" ? "team" : "card"];
    if (!shown) return;
    document.getElementById("name").textContent = shown[0];
    document.getElementById("meta").textContent = shown[1];
  }

  function renderCard(card) {
    const client = card.client;
    heading("card", client.name,
      [client.code, words(client.program), words(client.status)].filter(Boolean).join(" · "));
    if (card.may_see_team) document.querySelector("#tabs button[data-tab=team]").hidden = false;
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
      for (const file of event.extra.files || []) line.append(fileButton(file));
    }
  }

  // A note's file as Caseline stored it, fetched (with the init data) when tapped.
  function fileButton(file) {
    const button = el("button", "file", `📎 ${words(file.kind)}`);
    button.type = "button";
    button.addEventListener("click", async () => {
      const response = await fetch(`api/attachments/${encodeURIComponent(file.id)}`,
        { headers: { Authorization: `tma ${initData}` }, cache: "no-store" });
      if (!response.ok) { button.textContent = "📎 not available"; return; }
      const url = URL.createObjectURL(await response.blob());
      const shown = file.kind === "photo" ? el("img", "file")
        : ["voice", "audio"].includes(file.kind) ? el("audio", "file") : el("a", "file", "📎 open");
      if (shown.tagName === "A") { shown.href = url; shown.target = "_blank"; }
      else { shown.src = url; shown.controls = true; }
      button.replaceWith(shown);
    });
    return button;
  }

  // ── the team view: the digest's figures, as /digest says them ──────────────────────
  const MARKS = { green: "🟢", yellow: "🟡", red: "🔴" };
  // Today's work first, then what to follow up (marked when not zero), as the digest.
  const TODAY = [
    ["visits_completed", "Visits"], ["no_shows", "No-shows"], ["notes_written", "Notes"],
    ["appointments_tomorrow", "Tomorrow"], ["intakes", "Intakes"], ["plans_reviewed", "Plans reviewed"],
    ["referrals", "Referrals"], ["collateral", "Collateral"],
  ];
  // Each with how a worker's one line says it (the digest's marks where it has them).
  const CONCERNS = [
    ["clients_overdue", "Clients overdue", "⏰ overdue"],
    ["reviews_overdue", "Plan reviews overdue", "📋 reviews"],
    ["risk_flags", "Risk flags (24\u00a0h)", "⚠ risk flags"],
    ["safety_reviews_overdue", "Safety reviews overdue", "safety reviews"],
    ["unclosed", "Appointments left open", "left open"],
    ["visit_exceptions", "Unverified visits", "unverified"],
    ["open_risks", "Open risks", "open risks"],
  ];
  // The desk work and the concerns are shown when there are any; the day's four always.
  const ALWAYS = new Set(["visits_completed", "no_shows", "notes_written", "appointments_tomorrow"]);

  function mark(row) {
    return row.rag ? MARKS[row.rag] : "⚪";
  }

  function seenShare(row) {
    if (!row.open_clients) return "no open clients";
    const percent = Math.floor((row.clients_seen * 100) / row.open_clients);
    return `${row.clients_seen}/${row.open_clients} seen within frequency (${percent} %)`;
  }

  function figureTiles(box, row) {
    box.classList.add("figures");
    for (const [list, concern] of [[TODAY, false], [CONCERNS, true]]) {
      for (const [key, label] of list) {
        if (!ALWAYS.has(key) && !row[key]) continue;
        const tile = el("div", "figure" + (concern && row[key] ? " concern" : ""));
        tile.dataset.figure = key;
        tile.append(el("div", "value", row[key]), el("div", "label", label));
        box.append(tile);
      }
    }
  }

  function figureLine(row) {
    const parts = [`✅ ${row.visits_completed}`, `🚫 ${row.no_shows}`, `📝 ${row.notes_written}`,
      `📅 ${row.appointments_tomorrow}`];
    for (const [key, , short] of CONCERNS) if (row[key]) parts.push(`${short} ${row[key]}`);
    return parts.join(" · ");
  }

  function renderTeam(answer) {
    const team = answer.totals;
    heading("team", answer.team.name, `team digest · ${when(answer.team.day, false)}`);
    const panel = document.getElementById("team");
    panel.replaceChildren();
    const summary = section(panel, "Team");
    row(summary, "Seen within frequency", team.open_clients ? `${mark(team)} ${seenShare(team)}` : "no open clients");
    const quiet = answer.workers.filter((worker) => worker.quiet).map((worker) => worker.name);
    if (quiet.length) row(summary, "Quiet for 2 working days", quiet.join(", "), "risk");
    figureTiles(section(panel, "Today"), team);
    if (answer.open_risks.length) {
      const box = section(panel, "Open risks");
      for (const risk of answer.open_risks) {
        row(box, `${risk.client_code} · ${risk.worker}`, [risk.since ? `since ${when(risk.since, false)}` : "",
          risk.acknowledged_by ? `acknowledged by ${risk.acknowledged_by}` : "not acknowledged"]
          .filter(Boolean).join(" · "), risk.acknowledged_by ? "" : "risk");
      }
    }
    if (answer.visit_exceptions.length) {
      const box = section(panel, "Unverified visits");
      for (const found of answer.visit_exceptions) {
        row(box, `${found.client_code} · ${found.worker}`,
          [when(found.checked_in, true), found.codes.map(words).join(", ")].filter(Boolean).join(" · "));
      }
    }
    const workers = section(panel, `Workers (${answer.workers.length})`);
    if (!answer.workers.length) row(workers, "", "No workers in this team yet.");
    for (const worker of answer.workers) {
      const own = worker.role !== "worker" ? " (own caseload)" : "";
      const line = row(workers, `${mark(worker)} ${worker.name}${own}${worker.quiet ? " · 💤 quiet" : ""}`,
        worker.open_clients ? seenShare(worker) : "no open clients");
      line.dataset.worker = worker.name;
      line.append(el("div", "text", figureLine(worker)));
    }
  }

  function renderTeamChoice(teams) {
    const panel = document.getElementById("team");
    panel.replaceChildren();
    const box = section(panel, "Teams");
    for (const name of teams) {
      const link = el("a", "team-link", name);
      link.href = `?view=team&team=${encodeURIComponent(name)}${location.hash}`;
      box.append(link);
    }
  }

  const status = () => document.getElementById("status");
  let historyLoaded = false;
  let teamLoaded = false;

  async function show(tab) {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    }
    document.getElementById("card").hidden = tab !== "card";
    document.getElementById("composer").hidden = tab !== "card";
    document.getElementById("history").hidden = tab !== "history";
    document.getElementById("team").hidden = tab !== "team";
    current = tab;
    showHeading();
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
    if (tab === "team" && !teamLoaded) {
      status().textContent = "Loading…";
      try {
        renderTeam(await fetchJson(`api/team${teamName ? `?team=${encodeURIComponent(teamName)}` : ""}`,
          undefined, "There is no team to show you."));
        teamLoaded = true;
        status().textContent = "";
      } catch (error) {
        status().textContent = error.message;
        if (error.teams) renderTeamChoice(error.teams);
      }
    }
  }

  async function start() {
    applyTheme();
    tellTelegramReady();
    for (const button of document.querySelectorAll("#tabs button")) {
      button.addEventListener("click", () => show(button.dataset.tab));
    }
    if (initData && teamView && !clientId) {
      // The team view alone (the digest's 🗂 Team): no client, so no card or history tabs.
      document.getElementById("tabs").hidden = true;
      await show("team");
      return;
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
      if (teamView) await show("team");
    } catch (error) {
      status().textContent = error.message;
    }
  }

  start();
})();
