// calltap console: a call's timeline, drawn as SVG from the call's detail
// (the JSON of GET /api/v1/calls/{id}, embedded in the page). One lane for
// the assistant's speech, one for the user's, response latency between
// them as the gap it is with its value, status changes, tool calls and
// transfers as marks, barge-ins and talk-overs marked. Zoom (buttons,
// + and −, Ctrl + wheel) and scroll (native) for long calls: the SVG is
// the width of the view, its content is placed once per zoom and moved
// by a transform while scrolling. Selecting a bar selects its transcript
// line, and back.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const HEIGHT = 176;
  const LANE = { axis: 14, events: 24, assistant: 52, speechH: 26, latency: 96, user: 120 };
  // The width of a latency label, about (11px tabular figures).
  const labelWidth = (text) => text.length * 6.4 + 6;
  const PAD = 10;

  // As `ui::format::duration` writes durations on the server.
  function fmtDuration(ms) {
    const sign = ms < 0 ? "−" : "";
    const abs = Math.abs(ms);
    let text;
    if (abs < 1000) text = `${abs} ms`;
    else if (abs < 10000) text = `${(abs / 1000).toFixed(2)} s`;
    else if (abs < 60000) text = `${(abs / 1000).toFixed(1)} s`;
    else if (abs < 3600000) { const s = Math.floor(abs / 1000); text = `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`; }
    else { const m = Math.floor(abs / 60000); text = `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`; }
    return sign + text;
  }
  const clock = (ms) => {
    const s = Math.floor(Math.abs(ms) / 1000);
    const sign = ms < 0 ? "−" : "";
    return s >= 3600
      ? `${sign}${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`
      : `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  const at = (ms) => (window.calltap ? window.calltap.formatTime(ms, "precise") : new Date(ms).toISOString());
  const el = (name, attrs, parent) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  };
  const titled = (node, text) => { el("title", {}, node).textContent = text; return node; };
  const isTime = (t) => typeof t === "number";

  const root = document.getElementById("timeline");
  const dataBlock = document.getElementById("call-data");
  if (!root || !dataBlock) return;

  const state = { t0: 0, t1: 1, k: 0.01, fitK: 0.01, items: [], bars: [], drawn: false };
  const svg = el("svg", { height: HEIGHT, role: "img", "aria-label": "Speech of the assistant and the user over time" });
  const spacer = document.createElement("div");
  spacer.className = "spacer";
  root.append(svg, spacer);
  const axis = el("g", { class: "axis" }, svg);
  const world = el("g", { class: "world" }, svg);

  // The call's time span: its first to its last known instant.
  function span(d) {
    const times = [d.started_at, d.ended_at, d.first_event_at, d.last_event_at];
    for (const s of d.speech) times.push(s.started_at, s.stopped_at);
    const known = times.filter(isTime);
    const t0 = known.length ? Math.min(...known) : 0;
    const t1 = known.length ? Math.max(...known) : 1000;
    return [t0, Math.max(t1, t0 + 1000)];
  }

  // Builds the marks of a detail; `place` positions them for a zoom.
  function build(d) {
    world.replaceChildren();
    state.items = [];
    state.bars = [];
    [state.t0, state.t1] = span(d);
    const band = el("rect", { class: "band", y: LANE.events, height: HEIGHT - LANE.events - 8, visibility: "hidden" }, world);
    state.band = { node: band, from: 0, to: 0 };

    for (const s of d.status_history || []) {
      const g = el("g", { class: "status-mark" }, world);
      const line = el("line", { y1: LANE.events, y2: HEIGHT - 8 }, g);
      const text = el("text", { y: LANE.events + 9 }, g);
      text.textContent = s.status;
      titled(g, `Status ${s.status} at ${at(s.at)}${s.ended_reason ? ` (${s.ended_reason})` : ""}`);
      state.items.push({ kind: "status", at: s.at, line, text });
    }
    for (const t of d.transfers || []) {
      const to = t.to_assistant || t.assistant_name || t.number || t.sip_uri || t.destination_type || "a destination";
      const mark = titled(el("path", { class: "transfer-mark" }, world), `Transfer at ${at(t.at)} to ${to}`);
      state.items.push({ kind: "transfer", at: t.at, node: mark });
    }
    for (const line of d.transcript || []) {
      if (line.role !== "tool_calls" || !isTime(line.at)) continue;
      const names = (line.tool_calls || []).map((c) => `${c.name || "tool"}(${c.arguments || ""})`).join(", ");
      const mark = titled(el("rect", { class: "tool-mark", width: 9, height: 9 }, world), `Tool call at ${at(line.at)}: ${names}`);
      state.items.push({ kind: "tool", at: line.at, node: mark });
    }

    // Speech: one bar per interval of the API's `speech`, in its order.
    const lastKnown = isTime(d.last_event_at) ? d.last_event_at : state.t1;
    d.speech.forEach((s, index) => {
      const role = s.role === "user" ? "user" : "assistant";
      const incomplete = !isTime(s.started_at) || !isTime(s.stopped_at) || s.stopped_at < s.started_at;
      const from = isTime(s.started_at) ? s.started_at : s.stopped_at - 500;
      let to = isTime(s.stopped_at) && s.stopped_at >= from ? s.stopped_at : from + 500;
      // Still speaking: up to the latest event of a call in progress.
      if (!isTime(s.stopped_at) && d.status !== "ended") to = Math.max(to, lastKnown);
      const bar = el("rect", {
        class: `speech-bar ${role}${incomplete ? " incomplete" : ""}`,
        y: role === "user" ? LANE.user : LANE.assistant,
        height: LANE.speechH,
        rx: 2,
        "data-index": index,
        "data-role": role,
      }, world);
      const who = role === "user" ? "User" : "Assistant";
      const start = isTime(s.started_at) ? at(s.started_at) : "start not seen";
      const stop = isTime(s.stopped_at) ? at(s.stopped_at) : "stop not seen";
      const length = incomplete ? "" : ` (${fmtDuration(s.stopped_at - s.started_at)})`;
      titled(bar, `${who}${s.turn != null ? `, turn ${s.turn}` : ""}: ${start} → ${stop}${length}`);
      bar.addEventListener("click", () => select(index));
      const item = { kind: "bar", from, to, node: bar, role, index };
      state.items.push(item);
      state.bars.push(item);
    });

    // Latency: the gap from the user's stop to the assistant's start.
    const stats = d.metrics && d.metrics.latency_ms;
    const p95 = stats ? stats.p95 : Infinity;
    const count = stats ? stats.count : 0;
    for (const turn of d.turns || []) {
      if (isTime(turn.latency_ms) && isTime(turn.user_stopped_at)) {
        const slow = count >= 5 && turn.latency_ms >= p95;
        const g = el("g", { class: `latency${slow ? " slow" : ""}`, "data-latency-ms": turn.latency_ms, "data-turn": turn.turn ?? "" }, world);
        const line = el("line", { y1: LANE.latency, y2: LANE.latency }, g);
        const tickA = el("line", { y1: LANE.latency - 5, y2: LANE.latency + 5 }, g);
        const tickB = el("line", { y1: LANE.latency - 5, y2: LANE.latency + 5 }, g);
        const text = el("text", { y: LANE.latency + 14, "text-anchor": "middle" }, g);
        text.textContent = fmtDuration(turn.latency_ms);
        titled(g, `Turn ${turn.turn ?? "?"}: response latency ${fmtDuration(turn.latency_ms)} (user stopped ${at(turn.user_stopped_at)}, assistant started ${at(turn.assistant_started_at)})`);
        state.items.push({ kind: "latency", from: turn.user_stopped_at, to: turn.assistant_started_at, line, tickA, tickB, text });
      }
      // A barge-in: the user started while this utterance was under way.
      if (turn.interrupted && isTime(turn.assistant_stopped_at)) {
        const user = d.speech.find((s) => s.role === "user" && s.started_at > turn.assistant_started_at && s.started_at < turn.assistant_stopped_at);
        const when = user ? user.started_at : turn.assistant_stopped_at;
        const mark = titled(el("path", { class: "barge-in" }, world), `Barge-in: the user started speaking at ${at(when)} while the assistant spoke (turn ${turn.turn ?? "?"})`);
        state.items.push({ kind: "barge", at: when, node: mark, y: LANE.assistant + LANE.speechH });
      }
      // A talk-over: this utterance started while the user was speaking.
      if (turn.talked_over_user) {
        const mark = titled(el("path", { class: "talk-over" }, world), `Talk-over: the assistant started at ${at(turn.assistant_started_at)} while the user spoke (turn ${turn.turn ?? "?"})`);
        state.items.push({ kind: "talk", at: turn.assistant_started_at, node: mark, y: LANE.user });
      }
    }
    const measured = (d.turns || []).filter((t) => t.latency_ms != null).length;
    svg.setAttribute("aria-label", `Timeline: ${d.speech.length} speech intervals over ${fmtDuration(state.t1 - state.t0)}; ${measured} measured response latencies`);
  }

  const x = (t) => (t - state.t0) * state.k;

  // Positions every mark for the current zoom.
  function place() {
    spacer.style.width = `${Math.ceil((state.t1 - state.t0) * state.k + 2 * PAD + 20)}px`;
    let lastStatusX = -Infinity;
    let lastLabelRight = -Infinity;
    for (const it of state.items) {
      switch (it.kind) {
        case "bar":
          it.node.setAttribute("x", x(it.from));
          it.node.setAttribute("width", Math.max(1, (it.to - it.from) * state.k));
          break;
        case "latency": {
          const a = x(it.from);
          const b = x(it.to);
          it.line.setAttribute("x1", a); it.line.setAttribute("x2", b);
          it.tickA.setAttribute("x1", a); it.tickA.setAttribute("x2", a);
          it.tickB.setAttribute("x1", b); it.tickB.setAttribute("x2", b);
          // Each label where it has room, none over another.
          const mid = (a + b) / 2;
          const half = labelWidth(it.text.textContent) / 2;
          const room = mid - half > lastLabelRight + 4;
          it.text.setAttribute("x", mid);
          it.text.classList.toggle("hidden", !room);
          if (room) lastLabelRight = mid + half;
          break;
        }
        case "status": {
          const px = x(it.at);
          it.line.setAttribute("x1", px); it.line.setAttribute("x2", px);
          // The last label reads leftwards, so that it is not cut off.
          const atEnd = px > (state.t1 - state.t0) * state.k - 60;
          it.text.setAttribute("x", atEnd ? px - 3 : px + 3);
          it.text.setAttribute("text-anchor", atEnd ? "end" : "start");
          const room = px - lastStatusX > 70;
          it.text.setAttribute("visibility", room ? "visible" : "hidden");
          if (room) lastStatusX = px;
          break;
        }
        case "tool":
          it.node.setAttribute("x", x(it.at) - 4.5);
          it.node.setAttribute("y", LANE.events + 12);
          break;
        case "transfer": {
          const px = x(it.at);
          const y = LANE.events + 16;
          it.node.setAttribute("d", `M${px - 6},${y - 4} H${px + 3} V${y - 8} L${px + 10},${y} L${px + 3},${y + 8} V${y + 4} H${px - 6} Z`);
          break;
        }
        case "barge": {
          const px = x(it.at);
          it.node.setAttribute("d", `M${px - 6},${it.y + 9} L${px + 6},${it.y + 9} L${px},${it.y} Z`);
          break;
        }
        case "talk": {
          const px = x(it.at);
          it.node.setAttribute("d", `M${px},${it.y - 7} L${px + 6},${it.y} L${px},${it.y + 7} L${px - 6},${it.y} Z`);
          break;
        }
        default:
          break;
      }
    }
    if (state.band.to > state.band.from) {
      state.band.node.setAttribute("x", x(state.band.from));
      state.band.node.setAttribute("width", Math.max(2, (state.band.to - state.band.from) * state.k));
    }
    scrolled();
  }

  // The view moved: shift the marks and draw the axis ticks in view.
  let frame = 0;
  function scrolled() {
    frame = 0;
    const left = root.scrollLeft;
    const viewW = root.clientWidth;
    svg.setAttribute("width", viewW);
    world.setAttribute("transform", `translate(${PAD - left},0)`);
    axis.replaceChildren();
    const steps = [100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5];
    const step = steps.find((s) => s * state.k >= 80) || 36e5;
    const first = Math.max(0, Math.ceil(((left - PAD) / state.k) / step) * step);
    const last = (left + viewW) / state.k;
    for (let t = first; t <= last; t += step) {
      const px = t * state.k + PAD - left;
      el("line", { x1: px, x2: px, y1: LANE.axis + 2, y2: HEIGHT - 8 }, axis);
      const label = el("text", { x: px + 3, y: LANE.axis }, axis);
      label.textContent = step < 1000 ? `${clock(t)}.${Math.floor((t % 1000) / 100)}` : clock(t);
    }
  }
  root.addEventListener("scroll", () => { if (!frame) frame = requestAnimationFrame(scrolled); });
  window.addEventListener("resize", () => fit(false));

  // Zoom by `factor`, keeping the time under `anchorPx` (view px) still.
  function zoom(factor, anchorPx) {
    const anchor = anchorPx ?? root.clientWidth / 2;
    const t = (root.scrollLeft + anchor - PAD) / state.k;
    state.k = Math.min(0.5, Math.max(state.fitK, state.k * factor));
    place();
    root.scrollLeft = t * state.k + PAD - anchor;
    scrolled();
  }

  // Fits the whole call in the view (when asked, when the view was
  // fitted, or when the view grew past the zoom).
  function fit(force) {
    const fitK = Math.max(200, root.clientWidth - 2 * PAD - 20) / (state.t1 - state.t0);
    const wasFit = Math.abs(state.k - state.fitK) < 1e-12;
    state.fitK = fitK;
    if (force || wasFit || state.k < fitK) {
      state.k = fitK;
      place();
      root.scrollLeft = 0;
      scrolled();
    } else {
      place();
    }
  }

  for (const button of document.querySelectorAll("[data-zoom]")) {
    button.addEventListener("click", () => {
      const how = button.dataset.zoom;
      if (how === "fit") fit(true); else zoom(how === "in" ? 2 : 0.5);
    });
  }
  root.addEventListener("wheel", (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    const box = root.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left);
  }, { passive: false });
  root.addEventListener("keydown", (event) => {
    if (event.key === "+" || event.key === "=") { zoom(2); event.preventDefault(); }
    else if (event.key === "-" || event.key === "_") { zoom(0.5); event.preventDefault(); }
    else if (event.key === "0") { fit(true); event.preventDefault(); }
  });

  // Selection: a bar and the transcript line of its role that overlaps it
  // most, highlighted together, with a band over their time.
  const lines = () => {
    const list = document.getElementById("transcript");
    return list ? [...list.children] : [];
  };
  const overlap = (a0, a1, b0, b1) => Math.min(a1, b1) - Math.max(a0, b0);

  function showBand(from, to) {
    state.band.from = from;
    state.band.to = to;
    state.band.node.setAttribute("visibility", "visible");
    place();
    const left = x(from) + PAD;
    const right = x(to) + PAD;
    if (left < root.scrollLeft || right > root.scrollLeft + root.clientWidth) {
      root.scrollLeft = (left + right) / 2 - root.clientWidth / 2;
    }
  }

  function markLine(line) {
    for (const other of lines()) other.setAttribute("aria-selected", other === line ? "true" : "false");
  }

  // Select speech bar `index`, and its transcript line.
  function select(index) {
    const bar = state.bars[index];
    if (!bar) return;
    for (const b of state.bars) b.node.classList.toggle("selected", b === bar);
    showBand(bar.from, bar.to);
    let best = null;
    let bestOverlap = -Infinity;
    for (const line of lines()) {
      if (line.dataset.role !== bar.role || !line.dataset.at) continue;
      const a = Number(line.dataset.at);
      const b = line.dataset.end ? Number(line.dataset.end) : a;
      const o = overlap(a, b, bar.from, bar.to);
      if (o > bestOverlap) { best = line; bestOverlap = o; }
    }
    if (best && bestOverlap >= 0) {
      markLine(best);
      best.scrollIntoView({ block: "nearest" });
    }
  }

  // Select a transcript line: its interval, and the bar(s) it overlaps.
  function selectLine(line) {
    markLine(line);
    if (!line.dataset.at) return;
    const a = Number(line.dataset.at);
    const b = line.dataset.end ? Number(line.dataset.end) : a;
    for (const bar of state.bars) {
      bar.node.classList.toggle("selected", bar.role === line.dataset.role && overlap(a, b, bar.from, bar.to) >= 0);
    }
    showBand(a, Math.max(b, a + 1));
  }

  function wireTranscript(selectedIndex) {
    const list = document.getElementById("transcript");
    if (!list) return;
    const items = [...list.children];
    const focus = (i) => {
      const next = items[Math.max(0, Math.min(items.length - 1, i))];
      for (const item of items) item.tabIndex = item === next ? 0 : -1;
      next.focus();
    };
    list.addEventListener("click", (event) => {
      const line = event.target.closest("li");
      if (line) { focus(items.indexOf(line)); selectLine(line); }
    });
    list.addEventListener("keydown", (event) => {
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1, PageDown: i + 10, PageUp: i - 10 };
      if (event.key in moves) { focus(moves[event.key]); event.preventDefault(); }
      else if (event.key === "Enter" || event.key === " ") { selectLine(items[i]); event.preventDefault(); }
    });
    if (selectedIndex >= 0 && items[selectedIndex]) items[selectedIndex].setAttribute("aria-selected", "true");
  }

  function draw(detail) {
    build(detail);
    fit(!state.drawn);
    state.drawn = true;
  }

  draw(JSON.parse(dataBlock.textContent));
  wireTranscript(-1);
  root.dataset.drawn = "true";
  if (window.performance && performance.mark) performance.mark("calltap-timeline-drawn");
  window.calltapTimeline = { update: draw, wireTranscript, fmtDuration };
})();
