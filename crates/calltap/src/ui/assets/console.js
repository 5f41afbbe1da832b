// calltap console: what every page shares. Times in the browser's time
// zone, the filter forms' local times, the live calls list, the viewer
// dialog (a delivery's bytes, a quarantined body), more deliveries, and
// following a call in progress. No framework, no network but this server.
"use strict";

const calltap = (() => {
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const dateFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
  const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const hmFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
  const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";

  // An instant in the browser's time zone, in one of the pages' styles.
  function formatTime(ms, style) {
    const d = new Date(ms);
    switch (style) {
      case "precise": return `${timeFmt.format(d)}.${pad(d.getMilliseconds(), 3)}`;
      case "hm": return hmFmt.format(d);
      case "dh": return `${dayFmt.format(d)} ${hmFmt.format(d)}`;
      case "date": return dayFmt.format(d);
      default: return `${dateFmt.format(d)} ${timeFmt.format(d)}`;
    }
  }

  // Rewrites every `<time data-ms>` (and chart label) under `root` in
  // local time; the exact instant stays in the title.
  function localizeTimes(root) {
    for (const el of root.querySelectorAll("[data-ms]")) {
      const ms = Number(el.dataset.ms);
      if (!Number.isFinite(ms)) continue;
      el.textContent = formatTime(ms, el.dataset.style);
      if (el.tagName === "TIME") el.title = `${new Date(ms).toISOString()} (shown in ${zone})`;
    }
  }

  // The filter forms: a `datetime-local` input shows the hidden epoch-ms
  // (or RFC 3339) field it stands for, in local time, and writes it back.
  function wireTimeInputs(form) {
    for (const input of form.querySelectorAll("input[data-time-for]")) {
      const hidden = form.querySelector(`input[name="${input.dataset.timeFor}"]`);
      if (!hidden) continue;
      const raw = hidden.value.trim();
      const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (raw && Number.isFinite(ms)) {
        const d = new Date(ms);
        input.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      }
      input.addEventListener("change", () => {
        const local = input.value ? new Date(input.value).getTime() : NaN;
        hidden.value = Number.isFinite(local) ? String(local) : "";
      });
    }
    // Empty fields stay out of the URL.
    form.addEventListener("submit", () => {
      for (const field of form.elements) {
        if (field.name && field.value === "") field.disabled = true;
      }
    });
  }

  function setLive(on, text) {
    const badge = document.getElementById("live-state");
    if (!badge) return;
    badge.classList.toggle("off", !on);
    badge.textContent = text;
  }

  // The calls page: rows arrive on /ui/live/calls, rendered by the server.
  function followCalls(table) {
    const body = table.tBodies[0];
    const pageSize = 50;
    const place = (tr) => {
      const at = Number(tr.dataset.sortAt);
      const id = tr.dataset.id;
      for (const row of body.rows) {
        const rowAt = Number(row.dataset.sortAt);
        if (rowAt < at || (rowAt === at && row.dataset.id < id)) {
          body.insertBefore(tr, row);
          return;
        }
      }
      body.appendChild(tr);
    };
    const source = new EventSource(table.dataset.liveSrc);
    source.addEventListener("open", () => setLive(true, "Live"));
    source.addEventListener("error", () => setLive(false, "Reconnecting…"));
    source.addEventListener("row", (event) => {
      const data = JSON.parse(event.data);
      const template = document.createElement("template");
      template.innerHTML = data.html.trim();
      const tr = template.content.firstElementChild;
      if (!tr) return;
      localizeTimes(tr);
      const old = document.getElementById(tr.id);
      const last = body.rows[body.rows.length - 1];
      const fits = body.rows.length < pageSize || (last && Number(last.dataset.sortAt) <= data.sort_at);
      if (old) old.remove();
      if (!old && !fits) return;
      place(tr);
      tr.classList.add("flash");
      while (body.rows.length > pageSize) body.deleteRow(-1);
      const none = document.getElementById("no-calls");
      if (none) none.hidden = true;
    });
    source.addEventListener("gone", (event) => {
      const data = JSON.parse(event.data);
      const old = document.getElementById(`call-${data.id}`);
      if (old) old.remove();
    });
    source.addEventListener("lagged", () => refreshList(body));
  }

  async function refreshList(body) {
    const response = await fetch(location.href, { headers: { accept: "text/html" } });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.getElementById("call-rows");
    if (fresh) {
      body.replaceChildren(...fresh.children);
      localizeTimes(body);
    }
  }

  // The viewer dialog: a fragment fetched from the server.
  function wireViewer() {
    const dialog = document.getElementById("viewer");
    if (!dialog) return;
    const target = document.getElementById("viewer-body");
    document.getElementById("viewer-close").addEventListener("click", () => dialog.close());
    document.addEventListener("click", async (event) => {
      const opener = event.target.closest("[data-open]");
      if (!opener) return;
      const response = await fetch(opener.dataset.open, { headers: { accept: "text/html" } });
      target.innerHTML = response.ok ? await response.text() : `<p class="error">Could not open it (${response.status}).</p>`;
      localizeTimes(target);
      dialog.showModal();
    });
  }

  function wireMoreDeliveries() {
    const button = document.getElementById("more-deliveries");
    if (!button) return;
    button.addEventListener("click", async () => {
      button.disabled = true;
      const response = await fetch(button.dataset.href, { headers: { accept: "text/html" } });
      if (!response.ok) { button.disabled = false; return; }
      const rows = document.getElementById("delivery-rows");
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      localizeTimes(template.content);
      rows.append(template.content);
      rows.dataset.loadedMore = "true";
      const next = response.headers.get("x-calltap-next");
      if (next) { button.dataset.href = next; button.disabled = false; } else { button.remove(); }
    });
  }

  // A call in progress: each new state redraws the timeline at once and,
  // at most once a second, refreshes the server-rendered sections.
  function followCall(badge) {
    const source = new EventSource(badge.dataset.callStream);
    let pending = null;
    source.addEventListener("open", () => setLive(true, "Following live"));
    source.addEventListener("error", () => setLive(false, "Reconnecting…"));
    source.addEventListener("state", (event) => {
      const detail = JSON.parse(event.data);
      if (window.calltapTimeline) window.calltapTimeline.update(detail);
      if (detail.status === "ended") {
        source.close();
        setLive(false, "Ended");
      }
      if (!pending) pending = setTimeout(() => { pending = null; refreshCall(); }, 1000);
    });
  }

  async function refreshCall() {
    const response = await fetch(location.href, { headers: { accept: "text/html" } });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const swap = (id) => {
      const old = document.getElementById(id);
      const fresh = doc.getElementById(id);
      if (old && fresh) { localizeTimes(fresh); old.replaceWith(document.adoptNode(fresh)); }
    };
    swap("call-header");
    swap("call-status");
    swap("latency-section");
    const selected = document.querySelector("#transcript [aria-selected='true']");
    const index = selected ? [...selected.parentElement.children].indexOf(selected) : -1;
    swap("transcript-section");
    if (window.calltapTimeline) window.calltapTimeline.wireTranscript(index);
    const rows = document.getElementById("delivery-rows");
    if (rows && !rows.dataset.loadedMore) {
      swap("deliveries-section");
      wireMoreDeliveries();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    localizeTimes(document);
    for (const form of document.querySelectorAll("form.filters")) wireTimeInputs(form);
    const calls = document.querySelector("table[data-live-src]");
    if (calls) followCalls(calls);
    wireViewer();
    wireMoreDeliveries();
    const badge = document.querySelector("[data-call-stream]");
    if (badge) followCall(badge);
  });

  return { formatTime, localizeTimes };
})();
window.calltap = calltap;
