// A little plain JS: confirmation dialogs, live progress of jobs (also after a reload).
"use strict";
(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  function follow(jobId, bar, label, done) {
    const tick = async () => {
      const res = await fetch(`/api/jobs/${jobId}`, { headers: { Accept: "application/json" } });
      if (!res.ok) { label.textContent = `Could not read the job (${res.status}).`; return; }
      const job = await res.json();
      bar.value = job.progress;
      label.textContent = `${job.status}: ${job.progress}%${job.message ? " – " + job.message : ""}${job.error ? " – " + job.error : ""}`;
      if (!["queued", "running"].includes(job.status)) { done(job); return; }
      setTimeout(tick, 700);
    };
    tick();
  }

  // Timeline positions come as data attributes (the CSP allows no inline style).
  document.querySelectorAll("[data-top]").forEach((el) => {
    el.style.top = `${el.dataset.top}%`;
    if (el.dataset.height) el.style.height = `${el.dataset.height}%`;
  });
  document.querySelectorAll("[data-days]").forEach((el) => {
    el.style.setProperty("--days", el.dataset.days);
  });

  // Phone widths show each table row as a stacked card: every cell is labelled with its
  // column heading (CSS reads data-label). Without JS the table scrolls in its box instead.
  document.querySelectorAll("table").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((tr) => {
      [...tr.children].forEach((cell, i) => { cell.dataset.label = heads[i] || ""; });
    });
    table.classList.add("stack");
  });

  // A refused import: move focus to the list of problems so it is read out first.
  const problems = document.getElementById("problems");
  if (problems) problems.focus();

  const runForm = document.getElementById("run-form");
  if (runForm) {
    runForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const box = document.getElementById("progress");
      const bar = document.getElementById("progress-bar");
      const label = document.getElementById("progress-label");
      box.hidden = false;
      label.textContent = "Starting…";
      const limit = runForm.elements.time_limit.value;
      const res = await fetch("/api/jobs", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify({ kind: runForm.elements.kind.value, time_limit: limit ? Number(limit) : null }),
      });
      if (!res.ok) { label.textContent = `Could not start: ${(await res.json()).detail}`; return; }
      const job = await res.json();
      follow(job.id, bar, label, (j) => {
        if (j.status === "done") {
          label.textContent = `Done: draft plan #${j.plan_id} is ready. Reloading…`;
          setTimeout(() => window.location.reload(), 1200);
        } else if (j.status === "cancelled") {
          label.textContent = `cancelled: ${j.message || ""}`;
        }
      });
    });
  }

  // A fresh allocation ignores the confirmed plan: say so while it is the choice.
  const kind = document.getElementById("kind");
  const freshWarning = document.getElementById("fresh-warning");
  if (kind && freshWarning) {
    const show = () => { freshWarning.hidden = kind.value !== "allocate"; };
    kind.addEventListener("change", show);
    show();
  }

  // Jobs outlive the page: the dashboard lists the running ones (rendered by the server)
  // and keeps their progress live; once one of them has finished, the page reloads.
  const jobList = document.getElementById("job-list");
  if (jobList && jobList.children.length) {
    const poll = async () => {
      const res = await fetch("/api/jobs", { headers: { Accept: "application/json" } });
      if (!res.ok) { setTimeout(poll, 3000); return; }
      const running = new Map((await res.json()).map((j) => [String(j.id), j]));
      let finished = false;
      jobList.querySelectorAll("li[data-job]").forEach((li) => {
        const job = running.get(li.dataset.job);
        if (!job) { finished = true; return; }
        li.querySelector("progress").value = job.progress;
        li.querySelector(".job-status").textContent = `${job.status}: ${job.progress}%${job.message ? " – " + job.message : ""}`;
      });
      if (finished) { window.location.reload(); return; }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }

  const jobBox = document.getElementById("job");
  if (jobBox) {
    follow(jobBox.dataset.job, document.getElementById("progress-bar"), document.getElementById("progress-label"), (j) => {
      if (j.plan_id) {
        document.getElementById("job-plan").href = `/plans/${j.plan_id}`;
        document.getElementById("job-plan").textContent = `Review the draft plan #${j.plan_id}`;
        document.getElementById("job-result").hidden = false;
      }
      const cancel = document.getElementById("job-cancel");
      if (cancel) cancel.hidden = true;
    });
  }
})();
