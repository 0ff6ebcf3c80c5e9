// One plotting style for the pages, as the reports draw theirs: a title, axis labels with units,
// a few round ticks, the legend below the plot area (never over the data). The drawing space is
// small (360 wide) so that text stays readable when a phone shows it at its full width.
"use strict";
// Uses common.js (loaded first): svgEl.

const PLOT = { w: 360, h: 250, l: 46, r: 350, t: 26, b: 168 };

// About ``n`` round tick values covering [lo, hi].
function niceTicks(lo, hi, n = 4) {
  const raw = (hi - lo) / n || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  return ticks;
}

function decimalsOf(ticks) {
  return Math.max(0, ...ticks.map((v) => (String(v).split(".")[1] || "").length));
}

// Clear ``svg`` and draw the frame; returns [X, Y] mapping data to drawing coordinates.
// ``xTicks``: [[value, label]] in place of round numbers (categories such as visit dates).
function chartFrame(svg, { title, xLabel, yLabel, x, y, xTicks = null }) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${PLOT.w} ${PLOT.h}`);
  svg.setAttribute("aria-label", title);
  const [x0, x1] = x[1] > x[0] ? x : [x[0] - 1, x[0] + 1];
  const [y0, y1] = y[1] > y[0] ? y : [y[0] - 1, y[0] + 1];
  const X = (v) => PLOT.l + ((v - x0) / (x1 - x0)) * (PLOT.r - PLOT.l);
  const Y = (v) => PLOT.b - ((v - y0) / (y1 - y0)) * (PLOT.b - PLOT.t);
  svg.append(svgEl("text", { x: PLOT.w / 2, y: 16, class: "title", "text-anchor": "middle" }, title));
  const xt = niceTicks(x0, x1), yt = niceTicks(y0, y1);
  for (const v of yt) {
    svg.append(svgEl("line", { x1: PLOT.l, x2: PLOT.r, y1: Y(v), y2: Y(v), class: "grid" }),
      svgEl("text", { x: PLOT.l - 4, y: Y(v) + 4, "text-anchor": "end" }, v.toFixed(decimalsOf(yt))));
  }
  for (const [v, label] of xTicks || xt.map((v) => [v, v.toFixed(decimalsOf(xt))])) {
    svg.append(svgEl("text", { x: X(v), y: PLOT.b + 14, "text-anchor": "middle" }, label));
  }
  svg.append(svgEl("line", { x1: PLOT.l, y1: PLOT.b, x2: PLOT.r, y2: PLOT.b, class: "axis" }),
    svgEl("line", { x1: PLOT.l, y1: PLOT.t, x2: PLOT.l, y2: PLOT.b, class: "axis" }),
    svgEl("text", { x: (PLOT.l + PLOT.r) / 2, y: PLOT.b + 30, class: "axis-label", "text-anchor": "middle" }, xLabel),
    svgEl("text", { x: 0, y: 0, class: "axis-label", "text-anchor": "middle",
      transform: `translate(12 ${(PLOT.t + PLOT.b) / 2}) rotate(-90)` }, yLabel));
  return [X, Y];
}

// Legend below the x label: [{label, cls, shape: "line" | "dot" | "hollow" | "band"}], as many
// to a row as fit; the drawing grows to hold the rows.
function legend(svg, items) {
  let [x, y] = [14, PLOT.b + 48];
  for (const item of items) {
    const width = 30 + 6.2 * item.label.length;
    if (x > 14 && x + width > PLOT.w - 6) [x, y] = [14, y + 18];
    const mark = item.shape === "line" ? svgEl("line", { x1: x, x2: x + 18, y1: y - 4, y2: y - 4, class: item.cls })
      : item.shape === "band" ? svgEl("rect", { x, y: y - 10, width: 18, height: 10, class: item.cls })
      : svgEl("circle", { cx: x + 9, cy: y - 4, r: 4.5, class: `${item.cls}${item.shape === "hollow" ? " hollow" : ""}` });
    svg.append(mark, svgEl("text", { x: x + 24, y }, item.label));
    x += width;
  }
  svg.setAttribute("viewBox", `0 0 ${PLOT.w} ${Math.max(PLOT.h, y + 10)}`);
}

function noData(svg, title, text) {
  svg.replaceChildren(svgEl("text", { x: PLOT.w / 2, y: 16, class: "title", "text-anchor": "middle" }, title),
    svgEl("text", { x: 20, y: 110 }, text));
}

// Draw ``ys`` over ``xs`` as a line; gaps (null) split the line rather than being drawn as zero.
function polyline(svg, xs, ys, X, Y, cls) {
  let points = [];
  const flush = () => {
    if (points.length > 1) svg.append(svgEl("polyline", { points: points.join(" "), class: cls }));
    points = [];
  };
  xs.forEach((x, i) => (ys[i] == null ? flush() : points.push(`${X(x).toFixed(1)},${Y(ys[i]).toFixed(1)}`)));
  flush();
}

function finiteOf(values) {
  return values.filter((v) => v != null && isFinite(v));
}
