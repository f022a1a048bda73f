// rspcheck curves page: draws the charts from the JSON in #curve-data (no network, no
// libraries), with hover read-outs and a toggle between budget axes. `#selftest` in the URL
// makes the page exercise both and write the outcome to <body data-selftest>.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("curve-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const W = 540, H = 330, M = { l: 46, r: 34, t: 10, b: 44 };
  const DASH = ["", "6 3", "7 3 2 3", "2 2", "5 1 1 1", "8 2", "1 1"];

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function sig(v) {
    return Number(v.toPrecision(3)).toString();
  }

  function fmt(v, axis) {
    const units = [[1e9, "B"], [1e6, "M"], [1e3, "k"]];
    function short(x) {
      for (const [s, u] of units) if (Math.abs(x) >= s) return sig(x / s) + u;
      return sig(x);
    }
    if (axis === "usd") return "$" + short(v);
    if (axis === "tokens") return short(v) + " tokens";
    if (v < 60) return sig(v) + " s";
    if (v < 3600) return sig(v / 60) + " min";
    if (v < 86400) return sig(v / 3600) + " h";
    return sig(v / 86400) + " d";
  }

  function marker(g, kind, x, y, r, style, hollow) {
    const a = { fill: hollow ? "#fff" : style.color, stroke: style.color, "stroke-width": 1.2 };
    if (kind === "s") return el("rect", Object.assign({ x: x - r, y: y - r, width: 2 * r, height: 2 * r }, a), g);
    if (kind === "^") return el("path", Object.assign({ d: `M${x},${y - r * 1.2}L${x + r * 1.1},${y + r * 0.8}L${x - r * 1.1},${y + r * 0.8}Z` }, a), g);
    if (kind === "D") return el("path", Object.assign({ d: `M${x},${y - r * 1.3}L${x + r * 1.1},${y}L${x},${y + r * 1.3}L${x - r * 1.1},${y}Z` }, a), g);
    if (kind === "v") return el("path", Object.assign({ d: `M${x},${y + r * 1.2}L${x + r * 1.1},${y - r * 0.8}L${x - r * 1.1},${y - r * 0.8}Z` }, a), g);
    return el("circle", Object.assign({ cx: x, cy: y, r: r }, a), g);
  }

  function legend() {
    const box = document.getElementById("legend");
    box.textContent = "";
    data.series.forEach(function (name, i) {
      const st = data.styles[i % data.styles.length];
      const span = document.createElement("span");
      const s = el("svg", { width: 34, height: 12 }, null);
      el("line", { x1: 2, y1: 6, x2: 32, y2: 6, stroke: st.color, "stroke-width": 1.6, "stroke-dasharray": DASH[i % DASH.length] }, s);
      marker(s, st.marker, 17, 6, 3.5, st, false);
      span.appendChild(s);
      span.appendChild(document.createTextNode(" " + name));
      span.className = "series";
      box.appendChild(span);
    });
  }

  function panel(p, axis) {
    const div = document.createElement("div");
    div.className = "panel";
    const h = document.createElement("h3");
    h.textContent = p.eval;
    div.appendChild(h);
    const svg = el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": p.eval }, div);
    const read = document.createElement("div");
    read.className = "readout";
    div.appendChild(read);
    let lo = Infinity, hi = 0;
    p.curves.forEach(function (c) {
      c.points.forEach(function (q) { lo = Math.min(lo, q.budget); hi = Math.max(hi, q.budget); });
    });
    if (!(hi > 0)) return div;
    const x0 = Math.log10(lo / 1.6), x1 = Math.log10(hi * 1.6);
    // the score scale reaches 1 unless every interval stays low (as the PNG charts do)
    let top = 0;
    p.curves.forEach(function (c) {
      c.points.forEach(function (q) { top = Math.max(top, q.upper); });
      c.best.upper.forEach(function (u) { top = Math.max(top, u); });
    });
    const ymax = top > 0.6 ? 1 : top > 0.3 ? 0.6 : top > 0.12 ? 0.3 : 0.12;
    const X = function (b) { return M.l + (Math.log10(b) - x0) / (x1 - x0) * (W - M.l - M.r); };
    const Y = function (s) { return H - M.b - s / ymax * (H - M.t - M.b); };
    const grid = el("g", {}, svg);
    for (let k = Math.ceil(x0); k <= Math.floor(x1); k++) {
      const v = Math.pow(10, k);
      el("line", { x1: X(v), x2: X(v), y1: M.t, y2: H - M.b, stroke: "#e4e4e4" }, grid);
      el("text", { x: X(v), y: H - M.b + 15, "text-anchor": "middle", class: "tick" }, grid).textContent = fmt(v, axis);
    }
    const steps = ymax === 1 ? 4 : 3;
    Array.from({ length: steps + 1 }, function (_, i) { return Math.round(ymax * i / steps * 1e4) / 1e4; }).forEach(function (s) {
      el("line", { x1: M.l, x2: W - M.r, y1: Y(s), y2: Y(s), stroke: "#e4e4e4" }, grid);
      el("text", { x: M.l - 6, y: Y(s) + 4, "text-anchor": "end" }, grid).textContent = String(s);
    });
    el("text", { x: (M.l + W - M.r) / 2, y: H - 6, "text-anchor": "middle", class: "muted xlabel" }, svg).textContent =
      "mean spend per task (" + data.axisNames[axis] + ", log scale)";
    const found = [];
    p.curves.forEach(function (c) {
      const st = data.styles[c.series % data.styles.length];
      const dash = DASH[c.series % DASH.length];
      const g = el("g", { "data-series": data.series[c.series] }, svg);
      const b = c.best;
      if (b.budgets.length) {
        let up = "", down = "", line = "";
        const end = X(hi * 1.6);
        b.budgets.forEach(function (v, i) {
          const xa = X(v), xb = i + 1 < b.budgets.length ? X(b.budgets[i + 1]) : Math.min(end, X(v) + 8);
          up += (i ? "L" : "M") + xa + "," + Y(b.upper[i]) + "L" + xb + "," + Y(b.upper[i]);
          down = "L" + xb + "," + Y(b.lower[i]) + "L" + xa + "," + Y(b.lower[i]) + down;
          line += (i ? "L" : "M") + xa + "," + Y(b.estimate[i]) + "L" + xb + "," + Y(b.estimate[i]);
        });
        el("path", { d: up + down + "Z", fill: st.color, "fill-opacity": 0.12, stroke: "none" }, g);
        el("path", { d: line, fill: "none", stroke: st.color, "stroke-width": 1.6, "stroke-dasharray": dash }, g);
      }
      const runs = {};
      c.points.forEach(function (q) {
        if (q.kind === "truncated" || q.kind === "evaluated") (runs[q.run] = runs[q.run] || []).push(q);
      });
      Object.keys(runs).forEach(function (r) {
        const qs = runs[r];
        if (qs.length < 2) return;
        qs.sort(function (a, b2) { return a.budget - b2.budget; });
        el("path", { d: qs.map(function (q, i) { return (i ? "L" : "M") + X(q.budget) + "," + Y(q.estimate); }).join(""), fill: "none", stroke: st.color, "stroke-width": 0.8, "stroke-dasharray": "1.5 2", opacity: 0.8 }, g);
      });
      c.points.forEach(function (q) {
        const x = X(q.budget), y = Y(q.estimate);
        found.push({ x: x, y: y, q: q, name: data.series[c.series], best: b });
        if (q.kind === "truncated") return;
        el("line", { x1: x, x2: x, y1: Y(q.lower), y2: Y(q.upper), stroke: st.color, "stroke-width": 0.8 }, g);
        marker(g, st.marker, x, y, q.kind === "evaluated" ? 4 : 3, st, q.kind !== "evaluated");
      });
    });
    const cross = el("line", { y1: M.t, y2: H - M.b, stroke: "#9a9a9a", "stroke-dasharray": "3 3", visibility: "hidden" }, svg);
    svg.addEventListener("mousemove", function (ev) {
      const r = svg.getBoundingClientRect();
      const mx = ev.clientX - r.left, my = ev.clientY - r.top;
      let best = null, dmin = Infinity;
      found.forEach(function (f) {
        const d = (f.x - mx) * (f.x - mx) + (f.y - my) * (f.y - my);
        if (d < dmin) { dmin = d; best = f; }
      });
      if (!best) return;
      const q = best.q;
      let star = null;
      best.best.budgets.forEach(function (v, i) { if (v <= q.budget * (1 + 1e-9)) star = best.best.estimate[i]; });
      read.textContent = "";
      [best.name + " · " + q.label,
       "score " + q.estimate.toFixed(3) + " [" + q.lower.toFixed(3) + ", " + q.upper.toFixed(3) + "] at " + fmt(q.budget, axis),
       (q.kind === "truncated" ? "truncated: a lower bound on a capped run · " : "") + (star === null ? "" : "P* here " + star.toFixed(3))
      ].forEach(function (t) { const d = document.createElement("div"); d.textContent = t; read.appendChild(d); });
      read.style.display = "block";
      read.style.left = Math.min(best.x + 12, W - 260) + "px";
      read.style.top = Math.max(best.y - 10, 24) + "px";
      cross.setAttribute("x1", best.x); cross.setAttribute("x2", best.x);
      cross.setAttribute("visibility", "visible");
    });
    svg.addEventListener("mouseleave", function () {
      read.style.display = "none";
      cross.setAttribute("visibility", "hidden");
    });
    return div;
  }

  function draw(axis) {
    document.body.dataset.axis = axis;
    const box = document.getElementById("panels");
    box.textContent = "";
    (data.panels[axis] || []).forEach(function (p) { box.appendChild(panel(p, axis)); });
    document.querySelectorAll(".toggle button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.axis === axis ? "true" : "false");
    });
    document.querySelectorAll("section.axis-block").forEach(function (s) {
      s.classList.toggle("active", s.dataset.axis === axis);
    });
  }

  document.querySelectorAll(".toggle button").forEach(function (b) {
    b.addEventListener("click", function () { draw(b.dataset.axis); });
  });
  legend();
  draw(document.body.dataset.axis);

  if (location.hash === "#selftest") {
    const problems = [];
    const svg = document.querySelector(".panel svg");
    const circle = svg && svg.querySelector("g[data-series] circle, g[data-series] rect, g[data-series] path");
    if (!svg) problems.push("no chart drawn");
    else {
      const r = svg.getBoundingClientRect();
      const pts = svg.querySelectorAll("g[data-series] line");
      const target = pts.length ? pts[0] : circle;
      const x = Number(target.getAttribute("x1") || 0), y = Number(target.getAttribute("y1") || 0);
      svg.dispatchEvent(new MouseEvent("mousemove", { clientX: r.left + x, clientY: r.top + y, bubbles: true }));
      const read = document.querySelector(".panel .readout");
      if (!read || read.style.display !== "block" || !/score \d/.test(read.textContent)) problems.push("no hover read-out");
      else document.body.dataset.readout = read.textContent;
    }
    const buttons = document.querySelectorAll(".toggle button");
    const before = document.querySelector(".xlabel") && document.querySelector(".xlabel").textContent;
    const other = Array.prototype.find.call(buttons, function (b) { return b.dataset.axis !== document.body.dataset.axis; });
    if (other) {
      other.click();
      const after = document.querySelector(".xlabel") && document.querySelector(".xlabel").textContent;
      if (document.body.dataset.axis !== other.dataset.axis || after === before) problems.push("axis toggle did not redraw");
      else document.body.dataset.toggled = other.dataset.axis;
    }
    document.body.dataset.selftest = problems.length ? "fail: " + problems.join("; ") : "ok";
  }
})();
