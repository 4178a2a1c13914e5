// The client's pages beyond the card and the timeline: the plan (with the safety plan and
// the earlier versions and their reviews), the referrals and the people around the client,
// each drawn from its API answer (bot/webapp/api.py) as the chat shows the same. app.js
// hands in its helpers and loads a page the first time its tab is opened. Everything from
// the API is inserted as text (textContent), never as HTML.
"use strict";

window.caselinePages = function (kit) {
  const { el, section, row, say, sayCount, named, when, due } = kit;

  function callLink(parent, phone) {
    const call = el("a", "call", phone);
    call.href = `tel:${phone.replace(/[^0-9+]/g, "")}`;
    parent.append(call);
    return call;
  }

  // A line under an entry: what it is (muted), then what it says.
  function detail(parent, label, text) {
    if (text === undefined || text === null || text === "") return;
    const line = el("div", "detail");
    line.append(el("span", "label", label), document.createTextNode(" " + text));
    parent.append(line);
  }

  function every(days) {
    return sayCount("every day", "every {count} days", days);
  }

  // ── Plan ─────────────────────────────────────────────────────────────────────
  function renderPlan(panel, answer, safety) {
    panel.replaceChildren();
    const plan = answer.plan;
    const box = section(panel, plan ? say("Plan v{version}", { version: plan.version }) : say("Plan"));
    if (answer.closed) row(box, "", say("This case is closed: its plan is kept as it was, read-only."), "risk");
    if (!plan) {
      row(box, "", say("No plan yet."));
    } else {
      row(box, say("Status"), named("plan_status", plan.status));
      if (plan.status === "draft") {
        row(box, "", say("Draft: not in effect until ✅ Activate (the next review is set then)."));
      }
      if (answer.in_effect) row(box, say("In effect"), say("Plan v{version}", { version: answer.in_effect.version }));
      if (answer.waiting) row(box, say("Waiting for approval"), named("approval_kind", "plan_activation"));
      row(box, say("Since"), when(plan.created_at, false));
      const review = row(box, say("Next review"));
      if (plan.next_review_on && plan.status !== "draft") due(review, plan.next_review_on);
      review.append(el("div", "label", every(plan.review_interval_days)));
      if (plan.interventions) row(box, say("Interventions"), plan.interventions);
      renderGoals(section(panel, say("Goals")), plan.goals);
    }
    // The changes /plan's and 🛟's buttons make (plan_edit.js), drawn again from their answers.
    window.caselinePlanEdit?.(panel, answer, kit, (next) => renderPlan(panel, next, safety));
    renderSafetyPlan(panel, safety);
    window.caselineSafetyEdit?.(panel, safety, kit, (next) => renderPlan(panel, answer, next));
    if (answer.earlier.length) renderEarlier(section(panel, say("Earlier versions")), answer.earlier);
  }

  function renderGoals(box, goals) {
    if (!goals.length) row(box, "", say("No goals yet."));
    goals.forEach((goal, index) => {
      const line = row(box, `${index + 1}. ${named("goal_status", goal.status)}`, goal.description);
      line.dataset.goal = goal.id;
      const more = [goal.measure ? `📏 ${goal.measure}` : "", goal.target_date ? `🎯 ${when(goal.target_date, false)}` : "",
        goal.routine ? `🔁 ${goal.routine}` : ""].filter(Boolean).join(" · ");
      if (more) line.append(el("div", "label", more));
    });
  }

  function renderSafetyPlan(panel, safety) {
    if (!safety) return;
    const box = section(panel, say("Safety plan"));
    const plan = safety.plan;
    if (!plan) {
      row(box, "", say("No safety plan yet."));
      return;
    }
    row(box, say("Version {version}", { version: plan.version }),
      [when(plan.saved_at, false), plan.author].filter(Boolean).join(" · "));
    due(row(box, say("Next review")), plan.next_review_on).append(el("div", "label", every(plan.review_interval_days)));
    plan.sections.forEach((part, index) => {
      row(box, `${index + 1}. ${named("safety_section", part.key)}`,
        part.lines.length ? part.lines.join("\n") : say("nothing yet"), part.lines.length ? "" : "hint");
    });
  }

  function renderEarlier(box, versions) {
    for (const version of versions) {
      const review = version.review;
      const line = row(box, `${say("Version {version}", { version: version.version })} · ${when(version.created_at, false)}`,
        review ? say("reviewed {day} by {name}", { day: when(review.at, false), name: review.reviewer || "—" }) : "");
      if (version.interventions) detail(line, "🔧", version.interventions);
      version.goals.forEach((goal, index) => {
        const said = [named("goal_status", goal.status), goal.effectiveness ? `${goal.effectiveness}/5` : "",
          goal.comment ? `“${goal.comment}”` : ""].filter(Boolean).join(" · ");
        detail(line, `${index + 1}.`, `${goal.description} → ${said}`);
      });
      if (review) detail(line, say("Summary"), review.summary || "—");
    }
  }

  // ── Referrals ────────────────────────────────────────────────────────────────
  function renderReferrals(panel, answer) {
    panel.replaceChildren();
    const box = section(panel, say("Referrals"));
    if (!answer.referrals.length) row(box, "", say("No referrals yet."));
    for (const referral of answer.referrals) {
      const resource = referral.resource;
      const line = row(box, `${named("referral_status", referral.status)} · ${when(referral.created_at, false)}`,
        resource.category ? `${resource.name} (${resource.category})` : resource.name);
      line.dataset.referral = referral.id;
      detail(line, say("Reason"), referral.reason);
      if (referral.open && referral.follow_up_on) detail(line, say("Follow-up"), when(referral.follow_up_on, false));
      if (referral.application_date) detail(line, say("🏛 Application made"), when(referral.application_date, false));
      if (referral.responded_at) detail(line, say("Answered"), when(referral.responded_at, true));
      detail(line, say("Declined because"), referral.decline_reason);
      if (referral.outcome) {
        detail(line, say("Outcome"), [referral.outcome, when(referral.completed_at, false)].filter(Boolean).join(" · "));
      }
      if (resource.phone) callLink(line, resource.phone);
    }
    window.caselineRecordEdit?.("referrals", panel, answer, { ...kit, redraw: (fresh) => renderReferrals(panel, fresh) });
  }

  // ── People ───────────────────────────────────────────────────────────────────
  function renderPeople(panel, answer) {
    panel.replaceChildren();
    const groups = [
      [say("Family and others"), answer.around],
      [say("🩺 Care team"), answer.care_team],
      [say("Earlier"), answer.earlier],
    ].filter(([, people]) => people.length);
    if (!groups.length) row(section(panel, say("People")), "", say("Nobody is listed yet."));
    for (const [title, people] of groups) {
      const box = section(panel, title);
      for (const person of people) {
        const line = row(box, [named("relation", person.relation), person.organisation].filter(Boolean).join(" · "),
          person.name, "name");
        line.dataset.person = person.id;
        if (person.phone) callLink(line, person.phone);
        const facts = [];
        if (person.consent === true) facts.push(say("consent to share: yes"));
        if (person.consent === false) facts.push(say("consent to share: no"));
        if (person.ended_at) facts.push(say("ended {day}", { day: when(person.ended_at, false) }));
        if (facts.length) line.append(el("div", "label", facts.join(" · ")));
        if (person.notes) line.append(el("div", "text", person.notes));
      }
    }
    window.caselineRecordEdit?.("people", panel, answer, { ...kit, redraw: (fresh) => renderPeople(panel, fresh) });
  }

  // Each tab: the API paths it reads (under the client's), and how it is drawn from them.
  return {
    plan: { paths: ["/plan", "/safety_plan"], render: renderPlan },
    referrals: { paths: ["/referrals"], render: renderReferrals },
    people: { paths: ["/people"], render: renderPeople },
  };
};
