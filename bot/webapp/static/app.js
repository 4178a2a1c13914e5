// The Mini App's page: a client's card, timeline, plan, referrals and people (the last three
// in pages.js) (?client=<id>), and for supervisors the team view behind the digest's
// figures (?view=team), read from Caseline's API with the
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
  // The caseload (/clients' 🗂 Open), and a card opened from it (which links back).
  const caseloadView = query.get("view") === "clients";
  const fromCaseload = query.get("from") === "clients";
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

  // A day something falls due, marked when it is past by the worker's today (Caseline's).
  function due(line, isoDay) {
    const late = Boolean(reader.today && isoDay < reader.today);
    line.append(el("div", "text" + (late ? " risk" : ""),
      late ? `${when(isoDay, false)} · ${say("overdue")}` : when(isoDay, false)));
    return line;
  }

  function words(code) {
    return code ? String(code).replace(/_/g, " ") : "";
  }

  // The reader's words (ui/webapp_words.py): every text the page says goes through say(),
  // every code the API sends through named(); English and the bare code until they arrive.
  let catalog = { language: "en", words: {}, counts: {}, codes: {} };

  function fill(text, values) {
    return text.replace(/\{([a-z_]+)\}/g, (whole, key) => (values && key in values ? String(values[key]) : whole));
  }

  function say(text, values) {
    return fill(catalog.words[text] || text, values);
  }

  function sayCount(one, many, count, values) {
    const forms = catalog.counts[one] || [one, many];
    let category = count === 1 ? "one" : "other";
    try { category = new Intl.PluralRules(catalog.language).select(count); } catch (error) { /* keep */ }
    return fill(category === "one" ? forms[0] : forms[1], { ...values, count });
  }

  function named(group, code) {
    const names = catalog.codes[group] || {};
    return names[code] || words(code);
  }

  async function loadWords(language) {
    if (!language || language === catalog.language && Object.keys(catalog.words).length) return;
    try {
      const response = await fetch(`api/words/${encodeURIComponent(language)}`, { cache: "no-store" });
      if (response.ok) catalog = await response.json();
    } catch (error) { /* the page stays in English */ }
    for (const node of document.querySelectorAll("[data-say]")) node.textContent = say(node.dataset.say);
    for (const option of document.querySelectorAll("#kind option")) option.textContent = named("kind", option.value);
  }

  // Before any answer says the worker's language, the phone's (from Telegram's init data).
  function phoneLanguage() {
    try {
      const user = JSON.parse(new URLSearchParams(initData).get("user") || "{}");
      return user.language_code || navigator.language || "en";
    } catch (error) {
      return navigator.language || "en";
    }
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
      say("This client isn't available to you."));
  }

  async function fetchJson(url, body, notFound) {
    const request = { headers: { Authorization: `tma ${initData}` }, cache: "no-store" };
    if (body !== undefined) {
      request.method = "POST";
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    const response = await fetch(url, request);
    if (response.status === 401) {
      await loadWords(phoneLanguage());
      throw new Error(say("Please close this page and open it again from the chat."));
    }
    if (response.status === 403) throw new Error(say("Only supervisors can see the team view."));
    if (response.status === 404) throw new Error(notFound);
    if (response.status === 422) {
      const reason = (await response.json()).error;
      if (reason === "too_long") throw new Error(say("The note is too long."));
      if (reason === "goal" || reason === "person") {
        throw new Error(say("A goal or person you ticked is no longer on the card. Open the page again."));
      }
      throw new Error(say("Write the note first."));
    }
    if (response.status === 409) {
      const answer = await response.json();
      const error = new Error(say("Which team? Choose one:"));
      error.teams = answer.teams || [];
      throw error;
    }
    if (!response.ok) throw new Error(say("Caseline could not answer. Try again in a moment."));
    const answer = await response.json();
    if (answer.reader) {
      reader = answer.reader;
      await loadWords(reader.language);
    }
    return answer;
  }

  // One token per note: sent again after a lost answer, it finds the note already saved.
  function newToken() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  let noteToken = newToken();

  // ── the note composer: the /note card's fields (bot/webapp/api.py checks each) ─────
  const byId = (id) => document.getElementById(id);
  // Whom a note may name (GET notes/people), and whether the worker has ticked the client
  // themselves (until then the client is ticked as the kind says, as the chat's question).
  let notePeople = { people: [], client_there: [], with_someone: [] };
  let clientTouched = false;

  // One checkbox or radio as a whole row, a thumb's size; its label is inserted as text.
  function choice(box, type, name, value, label) {
    const line = el("label", "row check");
    const input = el("input");
    input.type = type;
    input.name = name;
    input.value = String(value);
    line.append(input, el("span", "", label));
    box.append(line);
    return input;
  }

  function personLabel(person) {
    return `${person.name} (${named("relation", person.relation)})`;
  }

  function renderGoalChoices(goals) {
    const box = byId("note-goals");
    box.replaceChildren();
    for (const goal of goals) choice(box, "checkbox", "goal", goal.id, goal.description);
    byId("goals-part").hidden = !goals.length;
  }

  function renderPeopleChoices(clientName) {
    const present = byId("note-present");
    present.replaceChildren();
    const client = choice(present, "checkbox", "client-present", "client", `👤 ${clientName}`);
    client.id = "client-present";
    client.addEventListener("change", () => { clientTouched = true; });
    for (const person of notePeople.people) choice(present, "checkbox", "present", person.id, personLabel(person));
    byId("present-part").hidden = false;
    const withWhom = byId("note-with");
    withWhom.replaceChildren();
    for (const person of notePeople.people) choice(withWhom, "radio", "with", person.id, personLabel(person));
    choice(withWhom, "radio", "with", "", say("👤 Someone not on the card")).checked = true;
    kindChanged();
  }

  async function loadNotePeople(clientName) {
    try {
      notePeople = await api("/notes/people");
    } catch (error) { /* the note can still be written without naming anyone */ }
    renderPeopleChoices(clientName);
  }

  function kindChanged() {
    const kind = byId("kind").value;
    const client = byId("client-present");
    if (client && !clientTouched) client.checked = notePeople.client_there.includes(kind);
    byId("with-part").hidden = !notePeople.with_someone.includes(kind) || !notePeople.people.length;
  }

  function partsShown() {
    const dap = byId("dap-on").checked;
    byId("dap").hidden = !dap;
    byId("note-text").required = !dap;  // a DAP note may say it all in its parts
    const risk = byId("risk-on").checked;
    byId("risk-why").hidden = !risk;
    byId("risk-reason").required = risk;  // the chat asks why, and so does the page
  }

  function ticked(name) {
    return Array.from(document.querySelectorAll(`#composer input[name=${name}]:checked`), (input) => Number(input.value));
  }

  function noteBody() {
    const kind = byId("kind").value;
    const chosen = document.querySelector("#composer input[name=with]:checked");
    const client = byId("client-present");
    return {
      kind,
      text: byId("note-text").value,
      token: noteToken,
      dap: byId("dap-on").checked
        ? [byId("dap-data").value, byId("dap-assessment").value, byId("dap-plan").value] : null,
      risk: byId("risk-on").checked ? byId("risk-reason").value : null,
      goals: ticked("goal"),
      client_present: Boolean(client && client.checked),
      present: ticked("present"),
      with: notePeople.with_someone.includes(kind) && chosen && chosen.value ? Number(chosen.value) : null,
    };
  }

  function clearComposer() {
    for (const id of ["note-text", "dap-data", "dap-assessment", "dap-plan", "risk-reason"]) byId(id).value = "";
    for (const input of document.querySelectorAll("#composer input[type=checkbox]")) input.checked = false;
    const nobody = document.querySelector("#composer input[name=with][value='']");
    if (nobody) nobody.checked = true;
    clientTouched = false;
    kindChanged();
    partsShown();
  }

  async function saveNote(event) {
    event.preventDefault();
    const save = byId("save");
    const said = byId("saved");
    save.disabled = true;
    said.textContent = say("Saving…");
    try {
      const saved = await api("/notes", noteBody());
      noteToken = newToken();
      clearComposer();
      said.textContent = saved.told && saved.told.length
        ? `${say("Saved.")} ${say("🔔 Told at once: {who}.", { who: saved.told.join(", ") })}` : say("Saved.");
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
      [client.code, named("program", client.program), named("status", client.status)].filter(Boolean).join(" · "));
    if (card.may_see_team) document.querySelector("#tabs button[data-tab=team]").hidden = false;
    const panel = document.getElementById("card");
    panel.replaceChildren();
    const about = section(panel, say("Client"));
    if (client.risk_level > 0) row(about, say("Risk"), client.risk_reason || say("flagged"), "risk");
    row(about, say("Worker"), card.worker || say("none"));
    if (client.phone) {
      const line = row(about, say("Phone"));
      const call = el("a", "call", client.phone);
      call.href = `tel:${client.phone.replace(/[^0-9+]/g, "")}`;
      line.append(call);
    }
    if (client.address) row(about, say("Address"), client.address);
    if (client.date_of_birth) row(about, say("Born"), when(client.date_of_birth, false));
    row(about, say("Last contact"), client.last_contact_at ? when(client.last_contact_at, true) : say("never"));
    if (card.visit_due_on) due(row(about, say("Next visit due")), card.visit_due_on);
    if (card.safety_plan) row(about, say("Safety plan"), say("in place"));
    for (const kind of card.waiting) row(about, say("Waiting for approval"), named("approval_kind", kind));

    if (card.upcoming.length) {
      const box = section(panel, say("Upcoming"));
      for (const visit of card.upcoming) {
        row(box, when(visit.starts_at, true), [named("kind", visit.kind), visit.place].filter(Boolean).join(" · "));
      }
    }
    if (card.plan) {
      const box = section(panel, say("Plan v{version}", { version: card.plan.version }));
      if (card.plan.next_review_on) due(row(box, say("Next review")), card.plan.next_review_on);
      for (const goal of card.open_goals) row(box, named("goal_status", goal.status), goal.description);
    }
    renderGoalChoices(card.plan ? card.open_goals : []);
    if (card.open_referrals) row(section(panel, say("Referrals")), say("Open"), card.open_referrals);
    if (card.recent_notes.length) {
      const box = section(panel, say("Recent notes"));
      for (const note of card.recent_notes) {
        const line = row(box, `${when(note.occurred_at, true)} · ${named("kind", note.interaction_type)}`,
          noteText(note), note.risk ? "risk" : "");
        if (note.amended) line.append(el("div", "label", say("amended — see History")));
        for (const comment of note.comments) line.append(commentNode(comment));
      }
    }
    noteEdit.card(panel, card, () => renderCard(card));
  }

  // A note as the chat's /history says it: who was there, its text, its DAP parts, its risk.
  function noteText(note) {
    const [data, assessment, plan] = note.dap || [];
    const present = (note.present || []).map(([name, relation]) => (relation ? `${name} (${named("relation", relation)})` : name));
    return [present.length ? say("Present: {attendees}", { attendees: present.join(", ") }) : "",
      note.text,
      data ? say("Data: {data}", { data }) : "",
      assessment ? say("Assessment: {assessment}", { assessment }) : "",
      plan ? say("Plan: {plan}", { plan }) : "",
      note.risk_reason ? say("Risk: {reason}", { reason: note.risk_reason }) : "",
      (note.goals || []).length ? say("Goals worked on: {goals}", { goals: note.goals.join("; ") }) : ""]
      .filter(Boolean).join("\n\n");
  }

  function commentNode(comment) {
    const node = el("div", "comment");
    node.append(el("div", "label", `${comment.cosign ? say("Co-signed") : say("Comment")} · ${comment.author || ""} · ${when(comment.at, true)}`));
    if (comment.text) node.append(el("div", "text", comment.text));
    return node;
  }

  // Which table names a timeline event's label and status (storage/history.py's Event);
  // the others are names as typed (a resource, a person) or shown as they are.
  const EVENT_LABELS = { note: "kind", visit: "kind", approval: "approval_kind", changed: "detail" };
  const EVENT_STATUSES = {
    visit: "appointment_status", plan: "plan_status", referral: "referral_status",
    referral_update: "referral_status", approval: "approval_status",
  };

  function eventLabel(event) {
    const group = EVENT_LABELS[event.kind];
    return group ? named(group, event.label) : event.label || "";
  }

  function eventStatus(event) {
    const group = EVENT_STATUSES[event.kind];
    return group ? named(group, event.status) : words(event.status);
  }

  function renderHistory(history) {
    const panel = document.getElementById("history");
    panel.replaceChildren();
    const box = section(panel, sayCount("{count} entry", "{count} entries", history.events.length));
    for (const event of history.events) {
      const heading = [when(event.at, true), named("event", event.kind), eventLabel(event), eventStatus(event), event.author]
        .filter(Boolean).join(" · ");
      const text = event.kind === "note" ? noteText({ ...event.extra, text: event.text }) : event.text;
      const line = row(box, heading, text);
      for (const amendment of event.amendments) {
        const node = el("div", "amendment");
        node.append(el("div", "label", `${say("Amended")} · ${amendment.author || ""} · ${when(amendment.at, true)}`));
        node.append(el("div", "text", amendment.text));
        line.append(node);
      }
      for (const comment of event.comments) line.append(commentNode(comment));
      for (const file of event.extra.files || []) line.append(fileButton(file));
      noteEdit.note(line, event, history, () => renderHistory(history));
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
  const TODAY = () => [
    ["visits_completed", say("Visits")], ["no_shows", say("No-shows")], ["notes_written", say("Notes")],
    ["appointments_tomorrow", say("Tomorrow")], ["intakes", say("Intakes")],
    ["plans_reviewed", say("Plans reviewed")], ["referrals", say("Referrals")],
    ["collateral", say("Collateral")],
  ];
  // Each with how a worker's one line says it (the digest's marks where it has them).
  const CONCERNS = () => [
    ["clients_overdue", say("Clients overdue"), "⏰", say("overdue")],
    ["reviews_overdue", say("Plan reviews overdue"), "📋", say("reviews")],
    ["risk_flags", say("Risk flags (24\u00a0h)"), "⚠", say("risk flags")],
    ["safety_reviews_overdue", say("Safety reviews overdue"), "", say("safety reviews")],
    ["unclosed", say("Appointments left open"), "", say("left open")],
    ["visit_exceptions", say("Unverified visits"), "", say("unverified")],
    ["open_risks", say("Open risks"), "", say("open risks")],
  ];
  // The desk work and the concerns are shown when there are any; the day's four always.
  const ALWAYS = new Set(["visits_completed", "no_shows", "notes_written", "appointments_tomorrow"]);

  function mark(row) {
    return row.rag ? MARKS[row.rag] : "⚪";
  }

  function seenShare(row) {
    if (!row.open_clients) return say("no open clients");
    const percent = Math.floor((row.clients_seen * 100) / row.open_clients);
    return say("{seen}/{open} seen within frequency ({percent} %)",
      { seen: row.clients_seen, open: row.open_clients, percent });
  }

  function figureTiles(box, row) {
    box.classList.add("figures");
    for (const [list, concern] of [[TODAY(), false], [CONCERNS(), true]]) {
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
    for (const [key, , sign, short] of CONCERNS()) {
      if (row[key]) parts.push(`${sign ? sign + " " : ""}${short} ${row[key]}`);
    }
    return parts.join(" · ");
  }

  function renderTeam(answer) {
    const team = answer.totals;
    heading("team", answer.team.name, say("team digest · {day}", { day: when(answer.team.day, false) }));
    const panel = document.getElementById("team");
    panel.replaceChildren();
    const summary = section(panel, say("Team"));
    row(summary, say("Seen within frequency"), team.open_clients ? `${mark(team)} ${seenShare(team)}` : say("no open clients"));
    const quiet = answer.workers.filter((worker) => worker.quiet).map((worker) => worker.name);
    if (quiet.length) row(summary, say("Quiet for 2 working days"), quiet.join(", "), "risk");
    figureTiles(section(panel, say("Today")), team);
    if (answer.open_risks.length) {
      const box = section(panel, say("Open risks"));
      for (const risk of answer.open_risks) {
        row(box, `${risk.client_code} · ${risk.worker}`, [risk.since ? say("since {day}", { day: when(risk.since, false) }) : "",
          risk.acknowledged_by ? say("acknowledged by {name}", { name: risk.acknowledged_by }) : say("not acknowledged")]
          .filter(Boolean).join(" · "), risk.acknowledged_by ? "" : "risk");
      }
    }
    if (answer.visit_exceptions.length) {
      const box = section(panel, say("Unverified visits"));
      for (const found of answer.visit_exceptions) {
        row(box, `${found.client_code} · ${found.worker}`,
          [when(found.checked_in, true), found.codes.map((code) => named("evv", code)).join(", ")].filter(Boolean).join(" · "));
      }
    }
    const workers = section(panel, say("Workers ({count})", { count: answer.workers.length }));
    if (!answer.workers.length) row(workers, "", say("No workers in this team yet."));
    for (const worker of answer.workers) {
      const own = worker.role !== "worker" ? ` ${say("(own caseload)")}` : "";
      const line = row(workers, `${mark(worker)} ${worker.name}${own}${worker.quiet ? ` · 💤 ${say("quiet")}` : ""}`,
        worker.open_clients ? seenShare(worker) : say("no open clients"));
      line.dataset.worker = worker.name;
      line.append(el("div", "text", figureLine(worker)));
    }
  }

  function renderTeamChoice(teams) {
    const panel = document.getElementById("team");
    panel.replaceChildren();
    const box = section(panel, say("Teams"));
    for (const name of teams) {
      const link = el("a", "team-link", name);
      link.href = `?view=team&team=${encodeURIComponent(name)}${location.hash}`;
      box.append(link);
    }
  }

  // ── the caseload: the worker's own clients, as /clients lists them ─────────────────
  function renderCaseload(answer) {
    heading("card", say("My clients"), sayCount("{count} client", "{count} clients", answer.total));
    const panel = document.getElementById("clients");
    panel.replaceChildren();
    const box = section(panel, say("Overdue first"));
    if (!answer.clients.length) row(box, "", say("No clients yet."));
    for (const client of answer.clients) {
      const link = el("a", "row client-link");
      link.href = `?client=${client.id}&from=clients${location.hash}`;
      link.dataset.client = client.code;
      link.append(el("div", "label", `${client.overdue ? "❗ " : ""}${client.code} · ${client.name}`));
      const seen = client.last_contact_at ? when(client.last_contact_at, false) : say("never");
      link.append(el("div", "text" + (client.overdue || client.risk_level > 0 ? " risk" : ""),
        [named("program", client.program), named("status", client.status),
          client.overdue ? say("overdue") : "", `${say("Last contact")}: ${seen}`]
          .filter(Boolean).join(" · ")));
      box.append(link);
    }
  }

  async function showCaseload() {
    document.getElementById("tabs").hidden = true;
    document.getElementById("clients").hidden = false;
    status().textContent = say("Loading…");
    try {
      renderCaseload(await fetchJson("api/clients", undefined, say("This client isn't available to you.")));
      status().textContent = "";
    } catch (error) {
      status().textContent = error.message;
    }
  }

  const status = () => document.getElementById("status");
  let historyLoaded = false;
  let teamLoaded = false;

  // The plan, referrals and people tabs (pages.js): each read once, when first opened.
  const pages = window.caselinePages({ el, section, row, say, sayCount, named, when, due });
  const pagesLoaded = new Set();
  // Export, amend, comment and the details' edit (note_edit.js).
  const noteEdit = window.caselineNoteEdit({ el, section, row, say, when, initData, clientId });

  async function loadPage(tab) {
    status().textContent = say("Loading…");
    try {
      const answers = await Promise.all(pages[tab].paths.map((path) => api(path)));
      pages[tab].render(document.getElementById(tab), ...answers);
      pagesLoaded.add(tab);
      status().textContent = "";
    } catch (error) {
      status().textContent = error.message;
    }
  }

  async function show(tab) {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
      if (button.dataset.tab === tab) button.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    for (const panel of document.querySelectorAll("main > [role=tabpanel]")) panel.hidden = panel.id !== tab;
    document.getElementById("composer").hidden = tab !== "card";
    current = tab;
    showHeading();
    if (pages[tab] && !pagesLoaded.has(tab)) await loadPage(tab);
    if (tab === "history" && !historyLoaded) {
      status().textContent = say("Loading…");
      try {
        renderHistory(await api("/history"));
        historyLoaded = true;
        status().textContent = "";
      } catch (error) {
        status().textContent = error.message;
      }
    }
    if (tab === "team" && !teamLoaded) {
      status().textContent = say("Loading…");
      try {
        renderTeam(await fetchJson(`api/team${teamName ? `?team=${encodeURIComponent(teamName)}` : ""}`,
          undefined, say("There is no team to show you.")));
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
    if (initData && caseloadView && !clientId) {
      await showCaseload();
      return;
    }
    if (fromCaseload) {
      const back = document.getElementById("back");
      back.href = `?view=clients${location.hash}`;
      back.hidden = false;
    }
    if (initData && teamView && !clientId) {
      // The team view alone (the digest's 🗂 Team): no client, so no card or history tabs.
      document.getElementById("tabs").hidden = true;
      await show("team");
      return;
    }
    if (!initData || !clientId || !/^[0-9]+$/.test(clientId)) {
      await loadWords(phoneLanguage());
      status().textContent = say("Open this page from a client's card in the chat (🗂 Open).");
      return;
    }
    document.getElementById("composer").addEventListener("submit", saveNote);
    byId("kind").addEventListener("change", kindChanged);
    byId("dap-on").addEventListener("change", partsShown);
    byId("risk-on").addEventListener("change", partsShown);
    try {
      const card = await api("");
      renderCard(card);
      await loadNotePeople(card.client.name);
      status().textContent = "";
      document.getElementById("composer").hidden = false;
      if (teamView) await show("team");
    } catch (error) {
      status().textContent = error.message;
    }
  }

  start();
})();
