// The Referrals and People tabs' writes (bot/webapp/record_api.py): a referral moved as its
// card's buttons move it (asking a decline's reason and a completion's outcome, as the chat
// asks), a new referral (the client's consent first, then a resource from the directory,
// the reason, the follow-up day), a person added, edited, or their relation ended. pages.js
// calls caselineRecordEdit(tab, panel, answer, kit) after drawing a tab; each write answers
// with the page as it now is, which kit.redraw draws. Everything is inserted as text.
"use strict";

window.caselineRecordEdit = (function () {
  const hash = new URLSearchParams(location.hash.slice(1));
  const initData = (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData)
    || hash.get("tgWebAppData") || "";
  const clientId = new URLSearchParams(location.search).get("client");

  // An answer the page understands: the status, and its JSON (null when it has none).
  async function send(path, body) {
    const request = { headers: { Authorization: `tma ${initData}` }, cache: "no-store" };
    if (body !== undefined) {
      request.method = "POST";
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    const response = await fetch(`api/clients/${encodeURIComponent(clientId)}${path}`, request);
    let json = null;
    try { json = await response.json(); } catch (error) { json = null; }
    return { status: response.status, json };
  }

  function problem(kit, answer) {
    const { say } = kit;
    if (answer.status === 404) return say("This client isn't available to you.");
    if (answer.status === 401) return say("Please close this page and open it again from the chat.");
    const reason = answer.json && answer.json.error;
    if (answer.status === 409) return say("This changed meanwhile: here is how it is now.");
    if (reason === "empty") return say("That was empty. Please type it.");
    if (reason === "consent") return say("There is no consent to share information on record.");
    if (reason === "resource") return say("That service is no longer in the directory.");
    if (reason === "day") return say("Please choose a follow-up day from today on.");
    if (reason === "phone_plus") return say("Please type the phone number with its country code, e.g. +49 30 1234567.");
    return say("Caseline could not answer. Try again in a moment.");
  }

  function button(kit, label, className) {
    const made = kit.el("button", "record-button " + (className || ""), label);
    made.type = "button";
    return made;
  }

  function field(kit, form, label, input) {
    const line = kit.el("label", "row");
    line.append(kit.el("span", "label", label), input);
    form.append(line);
    return input;
  }

  function input(kit, name, type, value) {
    const made = kit.el("input");
    made.name = name;
    made.type = type || "text";
    if (value) made.value = value;
    return made;
  }

  function textarea(kit, name) {
    const made = kit.el("textarea");
    made.name = name;
    made.rows = 3;
    made.maxLength = 2000;
    return made;
  }

  // A write, then the page as it now is (a 409's answer too); a refusal said under the form.
  async function write(kit, form, path, body, after) {
    const said = form.querySelector(".record-said") || form.appendChild(kit.el("p", "record-said"));
    said.textContent = kit.say("Saving…");
    for (const control of form.querySelectorAll("button")) control.disabled = true;
    let answer;
    try {
      answer = await send(path, body);
    } catch (error) {
      answer = { status: 0, json: null };
    }
    for (const control of form.querySelectorAll("button")) control.disabled = false;
    if (after && after(answer, said)) return;
    if (answer.status === 200 || answer.status === 201 || (answer.status === 409 && answer.json && answer.json.client)) {
      kit.redraw(answer.json);
      if (answer.status === 409) kit.panel.prepend(kit.el("p", "record-said", problem(kit, answer)));
      return;
    }
    said.textContent = problem(kit, answer);
  }

  function form(kit, parent) {
    const made = kit.el("form", "record-edit");
    parent.append(made);
    return made;
  }

  function actions(kit, parent, ...buttons) {
    const bar = kit.el("div", "record-actions");
    bar.append(...buttons);
    parent.append(bar);
    return bar;
  }

  // ── Referrals ────────────────────────────────────────────────────────────────
  // The card's buttons, as the chat labels them.
  function moveLabels(say) {
    return {
      accepted: say("✅ Accepted"), declined: say("🚫 Declined"), completed: say("🏁 Completed"),
      withdrawn: say("↩ Withdraw"),
    };
  }

  function moveForm(kit, line, referral, to) {
    const { say } = kit;
    for (const open of line.querySelectorAll("form.record-edit")) open.remove();
    const asked = form(kit, line);
    let words = null;
    if (to === "declined") words = field(kit, asked, say("Why was it declined?"), textarea(kit, "text"));
    if (to === "completed") words = field(kit, asked, say("What was the outcome?"), textarea(kit, "text"));
    if (to === "withdrawn") asked.append(kit.el("p", "label", say("Withdraw this referral? This cannot be undone.")));
    const go = button(kit, to === "withdrawn" ? say("↩ Yes, withdraw it") : say("Save"), "primary");
    go.dataset.send = to;
    const cancel = button(kit, say("✖ Cancel"));
    actions(kit, asked, go, cancel);
    cancel.addEventListener("click", () => asked.remove());
    go.addEventListener("click", () => {
      const body = { from: referral.status, to };
      if (words) body.text = words.value;
      write(kit, asked, `/referrals/${referral.id}/move`, body);
    });
    if (words) words.focus();
  }

  function referralButtons(kit, panel, answer) {
    const labels = moveLabels(kit.say);
    for (const referral of answer.referrals) {
      if (!referral.moves || !referral.moves.length) continue;
      const line = panel.querySelector(`.row[data-referral="${referral.id}"]`);
      if (!line) continue;
      const moves = referral.moves.map((to) => {
        const pressed = button(kit, labels[to] || to);
        pressed.dataset.move = to;
        pressed.addEventListener("click", () => {
          if (to === "accepted") {
            write(kit, line.appendChild(kit.el("form", "record-edit")), `/referrals/${referral.id}/move`,
              { from: referral.status, to });
          } else {
            moveForm(kit, line, referral, to);
          }
        });
        return pressed;
      });
      actions(kit, line, ...moves);
    }
  }

  function isoDay(day) {
    return day.toISOString().slice(0, 10);
  }

  function inDays(today, days) {
    const day = new Date(`${today}T12:00:00Z`);
    day.setUTCDate(day.getUTCDate() + days);
    return isoDay(day);
  }

  async function newReferral(kit, panel, today) {
    const { say } = kit;
    for (const open of panel.querySelectorAll("form.record-edit.new")) open.remove();
    const asked = form(kit, panel);
    asked.classList.add("new");
    const choices = await send("/referrals/new");
    if (choices.status !== 200) {
      asked.append(kit.el("p", "record-said", problem(kit, choices)));
      return;
    }
    if (!choices.json.consent) {
      consentForm(kit, panel, asked, choices.json, today);
      return;
    }
    referralForm(kit, asked, choices.json, today);
  }

  function consentForm(kit, panel, asked, choices, today) {
    const { say } = kit;
    asked.append(kit.el("p", "", choices.refused_on
      ? say("The client refused consent on {day}.", { day: kit.when(choices.refused_on, false) })
      : say("There is no consent to share information on record.")));
    const scope = field(kit, asked, say("What does the consent cover?"),
      input(kit, "scope", "text", say("Referrals to community services")));
    const given = button(kit, say("✅ Consent given"), "primary");
    given.dataset.consent = "yes";
    const refused = button(kit, say("🚫 Client refused"));
    refused.dataset.consent = "no";
    actions(kit, asked, given, refused);
    given.addEventListener("click", () => write(kit, asked, "/referrals/consent", { given: true, scope: scope.value },
      (answer) => {
        if (answer.status !== 201) return false;
        asked.remove();
        newReferral(kit, panel, today);
        return true;
      }));
    refused.addEventListener("click", () => write(kit, asked, "/referrals/consent", { given: false, scope: "" },
      (answer, said) => {
        if (answer.status !== 201) return false;
        asked.replaceChildren(kit.el("p", "record-said", say("Recorded: the client refused consent.")));
        return true;
      }));
  }

  function referralForm(kit, asked, choices, today) {
    const { say, el } = kit;
    asked.append(el("p", "label", say("Consent: {scope}", { scope: choices.consent.scope })));
    if (!choices.resources.length) {
      asked.append(el("p", "record-said", say("The directory has no services yet: an admin adds them with /resources.")));
      return;
    }
    const resource = el("select");
    resource.name = "resource";
    for (const entry of choices.resources) {
      const option = el("option", "", entry.category ? `${entry.name} (${entry.category})` : entry.name);
      option.value = String(entry.id);
      resource.append(option);
    }
    field(kit, asked, say("Service"), resource);
    const reason = field(kit, asked, say("Reason for the referral"), textarea(kit, "reason"));
    const followUp = field(kit, asked, say("Follow up on"), input(kit, "follow_up_on", "date", inDays(today, 14)));
    followUp.min = today;
    const appliedLine = kit.el("div");
    const applied = field(kit, appliedLine, say("🏛 Application made"), input(kit, "application_date", "date", today));
    applied.max = today;
    asked.append(appliedLine);
    const benefit = () => choices.resources.find((entry) => String(entry.id) === resource.value)?.benefit;
    const showApplied = () => { appliedLine.hidden = !benefit(); };
    resource.addEventListener("change", showApplied);
    showApplied();
    const go = button(kit, say("➕ New referral"), "primary");
    go.dataset.send = "referral";
    const cancel = button(kit, say("✖ Cancel"));
    actions(kit, asked, go, cancel);
    cancel.addEventListener("click", () => asked.remove());
    go.addEventListener("click", () => write(kit, asked, "/referrals", {
      resource: Number(resource.value),
      reason: reason.value,
      follow_up_on: followUp.value,
      application_date: benefit() ? applied.value : null,
    }));
  }

  function referrals(kit, panel, answer) {
    referralButtons(kit, panel, answer);
    const start = button(kit, kit.say("➕ New referral"), "wide");
    start.dataset.newReferral = "";
    start.addEventListener("click", () => newReferral(kit, panel, (answer.reader && answer.reader.today) || isoDay(new Date())));
    panel.append(start);
  }

  // ── People ───────────────────────────────────────────────────────────────────
  function consentSelect(kit, value) {
    const { el, say } = kit;
    const chosen = el("select");
    chosen.name = "consent";
    for (const [code, label] of [["", say("not asked")], ["yes", say("✅ Yes")], ["no", say("🚫 No")]]) {
      const option = el("option", "", label);
      option.value = code;
      chosen.append(option);
    }
    chosen.value = value === true ? "yes" : value === false ? "no" : "";
    return chosen;
  }

  function addForm(kit, panel, answer) {
    const { el, say, named } = kit;
    for (const open of panel.querySelectorAll("form.record-edit")) open.remove();
    const asked = form(kit, panel);
    asked.classList.add("new");
    const relation = el("select");
    relation.name = "relation";
    for (const code of answer.relations || []) {
      const option = el("option", "", named("relation", code));
      option.value = code;
      relation.append(option);
    }
    field(kit, asked, say("Relation"), relation);
    const name = field(kit, asked, say("Name"), input(kit, "name"));
    const phone = field(kit, asked, say("📞 Phone"), input(kit, "phone", "tel"));
    const organisation = field(kit, asked, say("🏢 Organisation"), input(kit, "organisation"));
    const consent = field(kit, asked, say("Consent to share"), consentSelect(kit, null));
    const go = button(kit, say("➕ Add"), "primary");
    go.type = "submit";
    const cancel = button(kit, say("✖ Cancel"));
    actions(kit, asked, go, cancel);
    cancel.addEventListener("click", () => asked.remove());
    let anyway = false;
    asked.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        relation: relation.value, name: name.value, phone: phone.value || null,
        organisation: organisation.value || null,
        consent: consent.value === "" ? null : consent.value === "yes", anyway,
      };
      write(kit, asked, "/people", body, (answer, said) => {
        if (answer.status !== 409) return false;
        anyway = true;
        said.textContent = say("Someone of that name is already listed. Tap ➕ Add again to add them anyway.");
        return true;
      });
    });
    name.focus();
  }

  function editForm(kit, line, person) {
    const { say } = kit;
    for (const open of line.querySelectorAll("form.record-edit")) open.remove();
    const asked = form(kit, line);
    const values = {
      name: field(kit, asked, say("Name"), input(kit, "name", "text", person.name)),
      phone: field(kit, asked, say("📞 Phone"), input(kit, "phone", "tel", person.phone)),
      organisation: field(kit, asked, say("🏢 Organisation"), input(kit, "organisation", "text", person.organisation)),
      notes: field(kit, asked, say("🗒 Notes"), textarea(kit, "notes")),
    };
    values.notes.value = person.notes || "";
    const consent = field(kit, asked, say("Consent to share"), consentSelect(kit, person.consent));
    const go = button(kit, say("Save"), "primary");
    go.type = "submit";
    const cancel = button(kit, say("✖ Cancel"));
    actions(kit, asked, go, cancel);
    cancel.addEventListener("click", () => asked.remove());
    asked.addEventListener("submit", async (event) => {
      event.preventDefault();
      // One detail a request, as the chat changes one at a time; the last answer redraws.
      const changes = Object.entries(values)
        .filter(([key, control]) => control.value.trim() !== (person[key] || ""))
        .map(([key, control]) => ({ field: key, value: control.value }));
      if (consent.value !== "" && (consent.value === "yes") !== person.consent) {
        changes.push({ field: "consent", value: consent.value === "yes" });
      }
      for (const [index, change] of changes.entries()) {
        const last = index === changes.length - 1;
        let failed = false;
        await write(kit, asked, `/people/${person.id}`, change, (answer) => {
          failed = answer.status !== 200;
          return !failed && !last;
        });
        if (failed) return;
      }
      if (!changes.length) asked.remove();
    });
  }

  function endForm(kit, line, person) {
    const { say } = kit;
    for (const open of line.querySelectorAll("form.record-edit")) open.remove();
    const asked = form(kit, line);
    const go = button(kit, say("⏹ Yes, end it"), "primary");
    go.dataset.send = "end";
    const cancel = button(kit, say("✖ Cancel"));
    actions(kit, asked, go, cancel);
    cancel.addEventListener("click", () => asked.remove());
    go.addEventListener("click", () => write(kit, asked, `/people/${person.id}/end`, {}));
  }

  function people(kit, panel, answer) {
    const current = [...answer.around, ...answer.care_team];
    for (const person of current) {
      const line = panel.querySelector(`.row[data-person="${person.id}"]`);
      if (!line) continue;
      const edit = button(kit, kit.say("✏️ Edit"));
      edit.dataset.edit = "";
      edit.addEventListener("click", () => editForm(kit, line, person));
      const end = button(kit, kit.say("⏹ End relation"));
      end.dataset.end = "";
      end.addEventListener("click", () => endForm(kit, line, person));
      actions(kit, line, edit, end);
    }
    const add = button(kit, kit.say("➕ Add someone"), "wide");
    add.dataset.addPerson = "";
    add.addEventListener("click", () => addForm(kit, panel, answer));
    panel.append(add);
  }

  const TABS = { referrals, people };

  return function (tab, panel, answer, kit) {
    if (!initData || !clientId || !TABS[tab]) return;
    TABS[tab]({ ...kit, panel }, panel, answer);
  };
})();
