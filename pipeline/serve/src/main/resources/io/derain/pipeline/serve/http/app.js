// derain's live view: every camera (#/), one camera in detail (#/camera/ID). Plain JavaScript, no framework,
// served from the jar. Live pictures are MJPEG streams from /api/v1/cameras/ID/stream.mjpeg; state, rates and
// history come from the cameras API, polled every 2 s.
"use strict";

const app = document.getElementById("app");
const summary = document.getElementById("summary");
let timer = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function percent(x) { return x == null ? "–" : (100 * x).toFixed(1) + " %"; }

function stateOf(c) {
  if (c.state === "running" && c.connected === false) return "reconnecting";
  return c.state;
}

function statsLine(c) {
  const drops = c.drops ? (c.drops.latency || 0) + (c.drops.reject || 0) : 0;
  return [
    el("span", { class: "state " + stateOf(c), "data-field": "state" }, stateOf(c)),
    el("span", { "data-field": "fps" }, (c.fps ?? 0).toFixed(1) + " fps"),
    el("span", { "data-field": "drops" }, drops + " dropped"),
    el("span", { "data-field": "reconnects" }, (c.reconnects ?? 0) + " reconnects"),
    el("span", { "data-field": "coverage", title: "share of the lens the raindrop map calls drops" }, "lens " + percent(c.lens_coverage)),
  ];
}

async function cameras() {
  const r = await fetch("/api/v1/cameras", { cache: "no-store" });
  if (!r.ok) throw new Error("cameras: HTTP " + r.status);
  return (await r.json()).cameras;
}

function stream(id, view, fps) {
  return "/api/v1/cameras/" + encodeURIComponent(id) + "/stream.mjpeg?view=" + view + "&fps=" + fps;
}

async function overview() {
  const list = await cameras();
  summary.textContent = list.length + " cameras";
  const grid = el("div", { class: "grid", id: "cameras" });
  const metas = new Map();
  for (const c of list) {
    const meta = el("div", { class: "meta" }, el("span", { class: "id" }, c.id), ...statsLine(c));
    metas.set(c.id, meta);
    grid.append(el("div", { class: "card", "data-camera": c.id },
      el("a", { href: "#/camera/" + encodeURIComponent(c.id) },
        el("img", { class: "live", alt: c.id + " derained, live", src: stream(c.id, "derained", 2) }), meta)));
  }
  app.replaceChildren(grid);
  timer = setInterval(async () => {
    for (const c of await cameras()) {
      const meta = metas.get(c.id);
      if (meta) meta.replaceChildren(el("span", { class: "id" }, c.id), ...statsLine(c));
    }
  }, 2000);
}

// A line chart of one series as an SVG polyline; its points are the samples (null ones left out).
function chart(title, unit, id) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 600 140");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.id = id;
  const box = el("div", { class: "chart" }, el("h3", {}, title), svg);
  box.update = (t, values) => {
    const pts = [];
    let max = 0;
    for (const v of values) if (v != null && v > max) max = v;
    max = max > 0 ? max * 1.1 : 1;
    const t0 = t.length ? t[0] : 0, t1 = t.length ? t[t.length - 1] : 1, span = Math.max(1, t1 - t0);
    values.forEach((v, i) => { if (v != null) pts.push(((t[i] - t0) / span * 600).toFixed(1) + "," + (140 - v / max * 130).toFixed(1)); });
    svg.innerHTML = '<line class="axis" x1="0" y1="139" x2="600" y2="139"/>'
      + '<text x="4" y="12">' + (unit === "%" ? (max * 100).toFixed(1) + " %" : (max * 1000).toFixed(0) + " ms") + '</text>'
      + '<polyline points="' + pts.join(" ") + '"/>';
    svg.dataset.points = pts.length;
  };
  return box;
}

async function camera(id) {
  summary.textContent = id;
  // One side-by-side stream, cut into three panels: one connection a viewer, not three.
  const source = el("img", { src: stream(id, "side-by-side", 5), alt: "", style: "display:none" });
  const names = [["input", "Input"], ["derained", "Derained"], ["map", "Raindrop map"]];
  const canvases = names.map(([key]) => el("canvas", { "data-panel": key }));
  const panels = el("div", { class: "panels", id: "panels" },
    ...names.map(([key, title], i) => el("div", { class: "panel" }, el("h3", {}, title), canvases[i])));
  const stats = el("div", { class: "stats", id: "stats" });
  const coverage = chart("Lens coverage, last 5 minutes", "%", "coverage-chart");
  const latency = chart("Latency, last 5 minutes", "s", "latency-chart");
  app.replaceChildren(el("p", {}, el("a", { href: "#/" }, "← all cameras")), stats, panels,
    el("div", { class: "charts" }, coverage, latency), source);
  let drawn = 0;
  const draw = () => {
    if (!document.body.contains(source)) return;
    if (source.naturalWidth > 0) {
      const w = source.naturalWidth / 3, h = source.naturalHeight;
      canvases.forEach((c, i) => {
        if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
        c.getContext("2d").drawImage(source, i * w, 0, w, h, 0, 0, w, h);
      });
      document.getElementById("panels").dataset.frames = ++drawn;
    }
    setTimeout(() => requestAnimationFrame(draw), 100);
  };
  draw();
  const refresh = async () => {
    const c = (await cameras()).find(x => x.id === id);
    stats.replaceChildren(...(c ? statsLine(c) : [el("span", { class: "state failed" }, "no such camera")]));
    const r = await fetch("/api/v1/cameras/" + encodeURIComponent(id) + "/history?seconds=300", { cache: "no-store" });
    if (r.ok) {
      const h = await r.json();
      coverage.update(h.t, h.coverage);
      latency.update(h.t, h.latency_seconds);
    }
  };
  await refresh();
  timer = setInterval(refresh, 2000);
}

async function route() {
  if (timer) clearInterval(timer);
  timer = null;
  app.replaceChildren(); // drops the old page's streams
  const m = location.hash.match(/^#\/camera\/(.+)$/);
  try {
    await (m ? camera(decodeURIComponent(m[1])) : overview());
  } catch (e) {
    app.replaceChildren(el("p", { class: "state failed" }, String(e)));
  }
}

window.addEventListener("hashchange", route);
route();
