// What the page changes rather than reads: the case file's ⬇ Export on the card, ✏️ Amend and
// 💬 Comment / ✍️ Co-sign on the History tab's notes, and the card's ✏️ Edit of the client's
// details (bot/webapp/writes.py; strict mode's chat refuses all of these, the page takes
// them in both modes). app.js hands in its helpers and calls card() and note() as it draws.
// Everything from the API is inserted as text (textContent), never as HTML.
"use strict";

window.caselineNoteEdit = function (kit) {
  const { el, section, row, say, when, initData, clientId } = kit;
  // A function, so it says its words once the worker's have arrived.
  const details = () => [["name", say("Name")], ["born", say("Date of birth")], ["address", say("Address")],
    ["phone", say("Phone")], ["place", say("Usual place of visits")]];

  function newToken() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function button(text, onClick) {
    const node = el("button", "action", text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // POSTs a change; the answer, or an Error in the worker's words.
  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST", cache: "no-store", body: JSON.stringify(body),
      headers: { Authorization: `tma ${initData}`, "Content-Type": "application/json" },
    });
    if (response.ok) return response.json();
    if (response.status === 401) throw new Error(say("Please close this page and open it again from the chat."));
    if (response.status === 404) throw new Error(say("This client isn't available to you."));
    if (response.status === 422) {
      // A detail's objection comes in the chat's words; a note's or comment's is its length.
      const answer = await response.json();
      throw new Error(answer.message || say("The note is too long."));
    }
    throw new Error(say("Caseline could not answer. Try again in a moment."));
  }

  // A small form under `parent`: a text box, ✅ Save and Cancel; `save` gets the text.
  function form(parent, label, save, initial, longest) {
    parent.querySelector("form.edit")?.remove();
    const box = el("form", "edit");
    const field = el("textarea");
    field.rows = 3;
    field.maxLength = longest;
    field.setAttribute("aria-label", label);
    field.value = initial || "";
    const said = el("p", "said");
    said.setAttribute("role", "status");
    const cancel = button(say("Cancel"), () => box.remove());
    const submit = el("button", "action", say("✅ Save"));
    submit.type = "submit";
    box.append(el("div", "label", label), field, submit, cancel, said);
    box.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      said.textContent = say("Saving…");
      try {
        await save(field.value);
      } catch (error) {
        said.textContent = error.message;
        submit.disabled = false;
      }
    });
    parent.append(box);
    field.focus();
    return box;
  }

  // The case file as a download: fetched with the init data, then offered as a file.
  async function download(format, said) {
    said.textContent = say("Loading…");
    try {
      const response = await fetch(`api/clients/${encodeURIComponent(clientId)}/export.${format}`,
        { headers: { Authorization: `tma ${initData}` }, cache: "no-store" });
      if (!response.ok) throw new Error(say("Caseline could not answer. Try again in a moment."));
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const url = URL.createObjectURL(await response.blob());
      const link = el("a");
      link.href = url;
      link.download = named ? named[1] : `case.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      said.textContent = "";
    } catch (error) {
      said.textContent = error.message;
    }
  }

  // On the card: ✏️ Edit under its details (the first box, "Client"), then the ⬇ Export;
  // `redraw` draws the card again.
  function card(panel, shown, redraw) {
    const about = panel.querySelector(".box");
    if (shown.client.usual_place) row(about, say("Usual place of visits"), shown.client.usual_place);
    const editing = el("div", "actions");
    editing.append(button(say("✏️ Edit"), () => editDetails(about, shown, redraw)));
    about.append(editing);
    const box = section(panel, say("📤 Export"));
    const actions = el("div", "actions");
    const said = el("p", "said");
    said.setAttribute("role", "status");
    actions.append(button(say("📄 PDF"), () => download("pdf", said)),
      button(say("📊 CSV"), () => download("csv", said)));
    box.append(actions, said);
  }

  function editDetails(box, shown, redraw) {
    const choose = el("select", "detail-choice");
    choose.setAttribute("aria-label", say("Which detail needs correcting?"));
    for (const [value, label] of details()) {
      const option = el("option", "", label);
      option.value = value;
      choose.append(option);
    }
    const current = () => ({ name: shown.client.name, address: shown.client.address, phone: shown.client.phone,
      place: shown.client.usual_place })[choose.value] || "";
    // Left empty, an optional detail is cleared (the chat's 🗑 Clear); a name says it is needed.
    const edit = form(box, say("Which detail needs correcting?"), async (text) => {
      const answer = await post(`api/clients/${encodeURIComponent(clientId)}/details`,
        { detail: choose.value, value: text.trim() ? text : null });
      shown.client = answer.client;
      redraw();
    }, current(), 300);
    const field = edit.querySelector("textarea");
    choose.addEventListener("change", () => {
      field.value = current();
      field.placeholder = choose.value === "born" && shown.client.date_of_birth ? when(shown.client.date_of_birth, false) : "";
    });
    edit.querySelector(".label").after(choose);
  }

  // Under a note on the History tab: ✏️ Amend, and for a supervisor 💬 Comment and ✍️ Co-sign.
  function note(line, event, history, redraw) {
    if (event.kind !== "note" || !event.ref) return;
    const actions = el("div", "actions");
    const said = el("p", "said");
    said.setAttribute("role", "status");
    const token = newToken();
    actions.append(button(say("✏️ Amend"), () => form(line, say("✏️ Amend"), async (text) => {
      const answer = await post(`api/notes/${event.ref}/amendments`, { text, token });
      event.amendments = answer.amendments;
      redraw();
    }, "", 20000)));
    if (history.may_comment) {
      actions.append(button(say("💬 Comment"), () => form(line, say("💬 Comment"), async (text) => {
        const answer = await post(`api/notes/${event.ref}/comments`, { text, token });
        event.comments = answer.comments;
        redraw();
      }, "", 1000)));
      actions.append(button(say("✍️ Co-sign"), async () => {
        said.textContent = say("Saving…");
        try {
          const answer = await post(`api/notes/${event.ref}/comments`, { cosign: true });
          event.comments = answer.comments;
          redraw();
        } catch (error) {
          said.textContent = error.message;
        }
      }));
    }
    line.append(actions, said);
  }

  return { card, note };
};
