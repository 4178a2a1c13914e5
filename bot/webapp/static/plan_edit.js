// The Plan tab's changes (issue 23): what /plan's buttons change, on the page, so a strict
// organisation (whose chat types no plan) changes plans here. Each change is one POST to
// the plan's API (bot/webapp/plan_api.py), which calls the use case the chat's button
// calls and answers with the card as it now stands, drawn again by pages.js's renderPlan.
// pages.js calls this after drawing the plan, before the safety plan. Everything is
// inserted as text (textContent), never as HTML.
"use strict";

// What a plan's and a safety plan's changes share: the POST to `api/clients/<id>/<page>/…`,
// the answer drawn again (merged over what was read), and what a refusal says.
// A form the worker opens when they mean to change something: folded under its title, so
// the plan itself stays a short read on a phone.
function caselineFolded(panel, kit, title) {
  const fold = kit.el("details", "fold");
  fold.append(kit.el("summary", "", title));
  const box = kit.el("div", "box");
  fold.append(box);
  panel.append(fold);
  return box;
}

function caselineChanges(panel, kit, page, answer, redraw) {
  const { el, say } = kit;
  const initData = (window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData)
    || new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
  const clientId = new URLSearchParams(location.search).get("client");
  const said = el("p", `plan-said ${page}-said`);
  said.setAttribute("role", "status");

  function reasonText(status, reason) {
    if (status === 401) return say("Please close this page and open it again from the chat.");
    if (status === 404) return say("This client isn't available to you.");
    if (reason === "stale" && page === "safety_plan") {
      return say("The safety plan changed meanwhile: here it is as it stands now.");
    }
    if (reason === "stale") return say("The plan changed meanwhile: here it is as it stands now.");
    if (reason === "plan_changed") return say("The plan was reviewed meanwhile: here it is as it stands now.");
    if (reason === "case_closed") return say("This case is closed: its plan is kept as it was, read-only.");
    if (reason === "too_long") return say("That is too long.");
    if (reason === "empty") return say("Write it first.");
    if (reason === "plan_full") return say("The plan already has as many goals as it may hold.");
    if (reason === "no_goals") return say("Add a goal before activating the plan.");
    if (reason === "unchanged") {
      return say("Nothing changed. If you went through the plan with the client, tap ✅ Reviewed, no changes.");
    }
    if (reason === "broken") return say("A line is too long, or a section has too many lines.");
    return say("Caseline could not answer. Try again in a moment.");
  }

  async function request(path, body) {
    const headers = { Authorization: `tma ${initData}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`api/clients/${encodeURIComponent(clientId)}/${page}${path}`, {
      method: body === undefined ? "GET" : "POST", headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({}));
    return { status: response.status, reply };
  }

  // One change: its answer is the page as it now stands (what it does not say, such as the
  // plan's earlier versions, is kept as it was read).
  async function change(path, body, controls) {
    controls.forEach((control) => { control.disabled = true; });
    said.textContent = say("Saving…");
    try {
      let { status, reply } = await request(path, body);
      const refusal = status === 409 ? reply.error : "";
      // Waiting for approval, a review saved (a new version) or reviewed meanwhile: the
      // plan is read afresh, its earlier versions too.
      if ([201, 202].includes(status) || reply.error === "plan_changed") {
        ({ status, reply } = await request(""));
      }
      if (status === 200 || (status === 409 && reply.plan !== undefined)) {
        redraw({ ...answer, ...reply });
        const again = panel.querySelector(`.${page}-said`);
        if (again) again.textContent = refusal ? reasonText(409, refusal) : say("Saved.");
        return;
      }
      said.textContent = reasonText(status, reply.error);
    } catch (error) {
      said.textContent = say("Caseline could not answer. Try again in a moment.");
    }
    controls.forEach((control) => { control.disabled = false; });
  }

  function button(text, action) {
    const node = el("button", "plan-button", text);
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }

  function field(box, label, input, className = "row") {
    const line = el("label", className);
    line.append(el("span", "label", label), input);
    box.append(line);
    return input;
  }

  function input(type, max) {
    const node = el("input");
    node.type = type;
    if (max) node.maxLength = max;
    return node;
  }

  return { said, change, button, field, input };
}

window.caselinePlanEdit = function (panel, answer, kit, redraw) {
  const { el, say, sayCount, named } = kit;
  if (answer.closed) return; // a closed case's plan is kept as it was
  const plan = answer.plan;
  const GOAL_STATUSES = ["not_started", "in_progress", "achieved", "discontinued"];
  const INTERVALS = [30, 60, 90, 180];
  const { said, change, button, field, input } = caselineChanges(panel, kit, "plan", answer, redraw);

  // Each goal's status, in its own row of the card (as the chat's ✏️ goal offers it).
  if (plan) {
    for (const line of panel.querySelectorAll(".row[data-goal]")) {
      const goal = plan.goals.find((each) => String(each.id) === line.dataset.goal);
      if (!goal) continue;
      const choose = el("select", "goal-status");
      choose.setAttribute("aria-label", say("Goal status"));
      for (const status of GOAL_STATUSES) {
        const option = el("option", "", named("goal_status", status));
        option.value = status;
        option.selected = status === goal.status;
        choose.append(option);
      }
      choose.addEventListener("change", () =>
        change(`/goals/${goal.id}/status`, { status: choose.value }, [choose]));
      line.append(choose);
    }
  }

  // ➕ A goal: what, how it is measured, by when, the routine (as the chat asks them).
  const adding = caselineFolded(panel, kit, say("➕ Goal"));
  adding.classList.add("plan-edit");
  const what = field(adding, say("Goal"), el("textarea"));
  what.rows = 2;
  what.maxLength = 500;
  what.id = "goal-description";
  const measure = field(adding, say("How it is measured (optional)"), input("text", 500));
  const target = field(adding, say("Target date (optional)"), input("date"));
  const routine = field(adding, say("Routine (optional)"), input("text", 500));
  const add = button(say("Add goal"), () => change("/goals", {
    description: what.value, measure: measure.value || null, target_date: target.value || null,
    routine: routine.value || null,
  }, [add]));
  add.id = "add-goal";
  adding.append(add);

  // 🔧 Interventions, ⏱ the review interval and ✅ Activate: of the plan as it is.
  const planId = plan ? plan.id : 0;
  const more = caselineFolded(panel, kit, say("Change the plan"));
  more.classList.add("plan-edit");
  const doing = field(more, say("Interventions"), el("textarea"));
  doing.rows = 3;
  doing.maxLength = 2000;
  doing.value = plan && plan.interventions ? plan.interventions : "";
  const saveDoing = button(say("Save interventions"),
    () => change("/interventions", { plan: planId, text: doing.value || null }, [saveDoing]));
  more.append(saveDoing);
  const every = field(more, say("🔁 Review interval"), el("select"));
  for (const days of INTERVALS) {
    const option = el("option", "", sayCount("every day", "every {count} days", days));
    option.value = String(days);
    option.selected = plan ? plan.review_interval_days === days : days === 90;
    every.append(option);
  }
  every.addEventListener("change",
    () => change("/interval", { plan: planId, days: Number(every.value) }, [every]));
  if (plan && plan.status === "draft" && !answer.waiting) {
    const activate = button(say("✅ Activate"),
      () => change("/activate", { plan: planId }, [activate]));
    activate.id = "activate-plan";
    more.append(activate);
  }
  if (plan && plan.status === "active" && plan.goals.length) reviewForm(plan);
  panel.append(said);

  // 🔎 A review, as /review walks it: each goal's status, how well it worked (1–5) and a
  // comment, then a summary; saving makes the next version.
  function reviewForm(active) {
    const box = caselineFolded(panel, kit, say("🔎 Review"));
    box.classList.add("plan-edit");
    const answers = active.goals.map((goal, index) => {
      const line = el("div", "row");
      line.append(el("div", "text name", `${index + 1}. ${goal.description}`));
      box.append(line);
      const status = field(line, say("Goal status"), el("select"), "sub");
      for (const code of GOAL_STATUSES) {
        const option = el("option", "", named("goal_status", code));
        option.value = code;
        option.selected = code === goal.status;
        status.append(option);
      }
      const effect = field(line, say("How well it worked (1–5)"), el("select"), "sub");
      for (const score of ["", "1", "2", "3", "4", "5"]) {
        const option = el("option", "", score || "—");
        option.value = score;
        effect.append(option);
      }
      const comment = field(line, say("Comment"), input("text", 500), "sub");
      return () => ({ goal: goal.id, status: status.value,
        effectiveness: effect.value ? Number(effect.value) : null, comment: comment.value || null });
    });
    const summary = field(box, say("Summary"), el("textarea"));
    summary.rows = 3;
    summary.maxLength = 2000;
    summary.id = "review-summary";
    const save = button(say("✅ Save review"), () => change("/review",
      { plan: active.id, goals: answers.map((read) => read()), summary: summary.value }, [save]));
    save.id = "save-review";
    box.append(save);
  }
};

// The safety plan's changes (the card's 🛟): each section's lines, how often it is
// reviewed, and ✅ Reviewed, no changes. pages.js calls this after drawing the safety plan.
window.caselineSafetyEdit = function (panel, safety, kit, redraw) {
  const { say, sayCount, named } = kit;
  if (!safety) return;
  const plan = safety.plan;
  const { said, change, button, field } = caselineChanges(panel, kit, "safety_plan", safety, redraw);
  const box = caselineFolded(panel, kit, plan ? say("✏️ Edit") : say("➕ Write a safety plan"));
  box.classList.add("plan-edit");
  const keys = ["warning_signs", "coping", "distraction", "help", "professionals", "environment"];
  const texts = keys.map((key) => {
    const lines = plan ? (plan.sections.find((part) => part.key === key) || { lines: [] }).lines : [];
    const text = field(box, named("safety_section", key), kit.el("textarea"));
    text.rows = 3;
    text.value = lines.join("\n");
    text.dataset.section = key;
    return text;
  });
  const every = field(box, say("🔁 Review interval"), kit.el("select"));
  for (const days of [14, 30, 90]) {
    const option = kit.el("option", "", sayCount("every day", "every {count} days", days));
    option.value = String(days);
    option.selected = plan ? plan.review_interval_days === days : days === 30;
    every.append(option);
  }
  const sections = () => Object.fromEntries(keys.map((key, index) => [key, texts[index].value.split("\n")]));
  const save = button(say("💾 Save"), () => change("/save",
    { base: plan ? plan.version : 0, sections: sections(), interval_days: Number(every.value) }, [save]));
  save.id = "save-safety-plan";
  box.append(save);
  if (plan) {
    const reviewed = button(say("✅ Reviewed, no changes"),
      () => change("/review", { version: plan.version }, [reviewed]));
    box.append(reviewed);
  }
  panel.append(said);
};
