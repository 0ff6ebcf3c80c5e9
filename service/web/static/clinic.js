// Clinic pages: the patients list (create a patient), a patient's visits over time (trends of
// key metrics with units, fall-risk level per visit, reports), and batch upload of several
// recordings for a patient with per-file progress (POST /v1/batches, then GET /v1/batches/{id}),
// with the floor marked on the first recording where the analysis needs it.
"use strict";
// Uses common.js (loaded first): $, POLL_MS, SVG_NS, apiKey, authHeaders, say, api,
// postWithProgress; floor_marks.js: floor, floorCalibration, setUpFloorMarks, showFirstFrame;
// plots.js: chartFrame, legend.

// Timeline columns and trend plots: [summary key, label, unit, decimals, key in the changes]
const VISIT_METRICS = [
  ["speed_mps", "Speed", "m/s", 2, "speed_mps"],
  ["cadence_spm", "Cadence", "steps/min", 1, "cadence_spm"],
  ["step_length_mean_m", "Step length", "m", 3, "step_length_m.mean"],
  ["stride_time_sd_ms", "Stride time SD", "ms", 0, "stride_time_sd_ms"],
  ["test_3mbwt_s", "3 m backward walk test", "s", 2, "test_3mbwt_s"],
  ["overall_score", "Overall score", "points of 100", 0, null],
];

function fmt(value, decimals) {
  if (value == null) return "-";
  return typeof value === "number" ? value.toFixed(decimals) : String(value);
}

// ---- patients list ----

async function showPatients() {
  $("patient-view").hidden = true;
  $("patients-view").hidden = false;
  let list;
  try {
    list = await (await api("/v1/patients?limit=1000")).json();
  } catch (err) {
    say(`Could not list patients: ${err.message}`, true);
    return;
  }
  const rows = list.items.map((p) => {
    const tr = el("tr");
    const link = el("a", p.id);
    link.href = `#patient=${encodeURIComponent(p.id)}`;
    const name = el("td");
    name.append(link);
    tr.append(name, el("td", fmt(p.height_cm, 1), "num"), el("td", String(p.analysis_count), "num"),
      el("td", p.created_at.slice(0, 10)));
    return tr;
  });
  $("patients").querySelector("tbody").replaceChildren(...rows);
  $("no-patients").hidden = rows.length > 0;
}

async function createPatient(event) {
  event.preventDefault();
  const body = {};
  const code = $("new-patient-id").value.trim();
  const height = $("new-patient-height").value.trim();
  if (code) body.id = code;
  if (height) body.height_cm = Number(height);
  try {
    const p = await (await api("/v1/patients", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    })).json();
    say(`Patient ${p.id} created.`);
    $("new-patient").reset();
    location.hash = `#patient=${encodeURIComponent(p.id)}`;
  } catch (err) {
    say(`Could not create the patient: ${err.message}`, true);
  }
}

// ---- one patient: timeline and trends ----

function currentPatient() {
  const m = location.hash.match(/^#patient=(.+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

async function showPatient(code) {
  $("patients-view").hidden = true;
  $("patient-view").hidden = false;
  $("patient-code").textContent = code;
  let p;
  try {
    p = await (await api(`/v1/patients/${encodeURIComponent(code)}`)).json();
  } catch (err) {
    say(`Could not open patient ${code}: ${err.message}`, true);
    return;
  }
  const height = p.height_cm == null ? "height not given" : `height ${p.height_cm} cm`;
  $("patient-facts").textContent = `${height}; ${p.analyses.length} recordings`;
  $("timeline").querySelector("tbody").replaceChildren(...p.analyses.map(visitRow));
  let changes = [];
  try {
    changes = (await (await api(`/v1/patients/${encodeURIComponent(code)}/changes`)).json()).changes;
  } catch (err) {
    say(`Could not read the changes between visits: ${err.message}`, true);
  }
  drawTrends(p.analyses.filter((a) => a.status === "done"), changes);
}

function visitRow(a) {
  const tr = el("tr");
  tr.dataset.status = a.status;
  tr.dataset.analysis = a.id;
  tr.append(el("td", a.visit_date || a.created_at.slice(0, 10)), el("td", a.status));
  const risk = el("td");
  if (a.fall_risk_level) risk.append(el("span", a.fall_risk_level, `risk ${a.fall_risk_level}`));
  tr.append(risk);
  for (const [key, , , decimals] of VISIT_METRICS) tr.append(el("td", fmt(a[key], decimals), "num"));
  const links = el("td");
  if (a.status === "done") {
    links.append(reportLink(a.id, "html", "HTML"), " · ", reportLink(a.id, "pdf", "PDF"));
  }
  tr.append(links);
  return tr;
}

function reportLink(id, kind, label) {
  const link = el("a", label, `report-${kind}`);
  link.href = `/v1/analyses/${id}/report.${kind}`;
  link.target = "_blank";
  // A plain link cannot carry the API key: fetch with it and open what came back.
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const win = window.open("", "_blank");
    try {
      const blob = await (await api(link.getAttribute("href"))).blob();
      win.location.href = URL.createObjectURL(blob);
    } catch (err) {
      win.close();
      say(`Could not open the report: ${err.message}`, true);
    }
  });
  return link;
}


// One point per visit date: the mean of that date's recordings, with their range drawn as a
// bar; [{date, mean, lo, hi, n}] in date order, dates with no value left out.
function byDate(visits, key) {
  const dates = new Map();
  for (const v of visits) {
    const date = v.visit_date || v.created_at.slice(0, 10);
    if (v[key] == null) continue;
    if (!dates.has(date)) dates.set(date, []);
    dates.get(date).push(v[key]);
  }
  return [...dates.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, ys]) => ({
    date, n: ys.length, mean: ys.reduce((a, b) => a + b, 0) / ys.length,
    lo: Math.min(...ys), hi: Math.max(...ys),
  }));
}

// The caption's verdict: a change inside the smallest real change (the band) is no change.
function changeText(points, unit, decimals, change) {
  if (points.length < 2) return "one visit date so far: no change to show";
  if (change && change.threshold != null && change.verdict !== "not comparable") {
    const band = `±${fmt(change.threshold, decimals)} ${unit}, ${change.threshold_kind}`;
    return change.verdict === "real change"
      ? `real change since ${points[0].date} (${change.direction || "neither better nor worse"}; band ${band})`
      : `no real change since ${points[0].date}: inside the band (${band})`;
  }
  const diff = points[points.length - 1].mean - points[0].mean;
  const text = fmt(Math.abs(diff), decimals);
  if (Number(text) === 0) return `no change since ${points[0].date}`;
  return `change since ${points[0].date}: ${diff > 0 ? "+" : "-"}${text} ${unit} (no smallest ` +
    "real change known for it)";
}

function trendPlot(visits, key, label, unit, decimals, change) {
  const points = byDate(visits, key);
  if (!points.length) return el("p", `${label}: not measured at any visit.`, "note unmeasured");
  const fig = el("figure");
  fig.dataset.metric = key;
  const plot = svgEl("svg", { role: "img" });
  // Padded so that a flat trend is not drawn on the frame and its tick labels differ.
  const band = change && change.threshold != null && change.earlier != null && points.length > 1
    ? [change.earlier - change.threshold, change.earlier + change.threshold] : null;
  const [lo, hi] = [Math.min(...points.map((p) => p.lo), ...(band || [])),
    Math.max(...points.map((p) => p.hi), ...(band || []))];
  const pad = Math.max((hi - lo) * 0.2, 2 * 10 ** -decimals, Math.abs(hi) * 0.02);
  const n = points.length;
  const [X, Y] = chartFrame(plot, { title: `${label} per visit date`, xLabel: "visit date",
    yLabel: `${label.toLowerCase()} (${unit})`, x: [-0.5, Math.max(n - 0.5, 0.5)], y: [lo - pad, hi + pad],
    xTicks: points.map((p, i) => [i, n > 3 ? p.date.slice(2) : p.date]) });
  if (band) {
    plot.insertBefore(svgEl("rect", { x: PLOT.l, width: PLOT.r - PLOT.l, y: Y(band[1]),
      height: Y(band[0]) - Y(band[1]), class: "mdc" }), plot.children[1]);
  }
  if (n > 1) {
    plot.append(svgEl("polyline", { class: "trend", points: points.map((p, i) => `${X(i)},${Y(p.mean)}`).join(" ") }));
  }
  points.forEach((p, i) => {
    if (p.n > 1) plot.append(svgEl("line", { x1: X(i), x2: X(i), y1: Y(p.lo), y2: Y(p.hi), class: "range" }));
    const dot = svgEl("circle", { cx: X(i), cy: Y(p.mean), r: 4.5, class: "dot point" });
    const what = p.n > 1 ? `mean of ${p.n} recordings, ${fmt(p.lo, decimals)}-${fmt(p.hi, decimals)}` : "";
    dot.append(svgEl("title", {}, `${p.date}: ${fmt(p.mean, decimals)} ${unit} ${what}`.trim()));
    plot.append(dot);
  });
  const legendItems = [{ label: "mean of the date's recordings", cls: "dot", shape: "dot" }];
  if (points.some((p) => p.n > 1)) legendItems.push({ label: "their range", cls: "range", shape: "line" });
  if (band) legendItems.push({ label: "band: no real change", cls: "mdc", shape: "band" });
  legend(plot, legendItems);
  fig.append(plot, el("figcaption", `${label} (${unit}): ${changeText(points, unit, decimals, change)}`));
  return fig;
}

function drawTrends(visits, changes) {
  const byMetric = new Map((changes || []).map((c) => [c.metric, c]));
  $("trends").replaceChildren(...VISIT_METRICS.map(([k, l, u, d, name]) =>
    trendPlot(visits, k, l, u, d, byMetric.get(name))));
}

// ---- batch upload with per-file progress ----

// The floor is marked on the first chosen recording and holds for all of them (one camera that
// stays put): for the 3 m test always, else when the floor marks are open.
function showFrameForMarks() {
  const files = $("files").files;
  if (!files.length || ($("protocol").value !== "3mbwt" && !$("floor-box").open)) return;
  if (floor.file === files[0]) return;
  $("floor-box").open = true;
  showFirstFrame(files[0]);
}

function sendBatch(event) {
  event.preventDefault();
  const code = currentPatient();
  const files = [...$("files").files];
  if (!files.length) { say("Choose one or more recordings first.", true); return; }
  const marks = floor.file === files[0] ? floorCalibration() : null;
  if ($("protocol").value === "3mbwt" && !marks) {
    showFrameForMarks();
    say("The 3 m backward walk test is timed between the start line and the 3 m line: mark " +
      "both on the first recording's frame first.", true);
    return;
  }
  const form = new FormData();
  for (const f of files) form.append("videos", f, f.name);
  form.append("patient_id", code);
  for (const id of ["visit_date", "population", "protocol"]) {
    const value = $(id).value.trim();
    if (value) form.append(id, value);
  }
  if (marks) form.append("calibration", JSON.stringify(marks));
  $("batch").hidden = false;
  $("batch-files").replaceChildren(...files.map((f) => fileItem(f.name, "uploading", 0, null)));
  say(`Uploading ${files.length} recordings ...`);
  postWithProgress("/v1/batches", form, "Uploaded; scoring ...", (body) => showBatch(body));
}

function fileItem(name, status, pct, error) {
  const li = el("li", null, status);
  li.dataset.status = status;
  const bar = el("progress");
  bar.max = 100;
  bar.value = pct;
  li.append(el("span", name), el("span", `${status}${status === "running" ? ` ${pct.toFixed(0)} %` : ""}`), bar);
  if (error) li.append(el("span", error, "why"));
  return li;
}

function showBatch(batch) {
  $("batch-files").replaceChildren(
    ...batch.files.map((f) => fileItem(f.filename, f.status, f.progress_pct, f.error)));
  const c = batch.counts;
  $("batch-summary").textContent = `${c.done} done, ${c.running} running, ${c.queued} queued, `
    + `${c.failed} failed, ${c.refused} refused (${batch.progress_pct.toFixed(0)} %)`;
  if (batch.finished) {
    say(`Batch finished: ${c.done} scored, ${c.failed} failed, ${c.refused} refused.`, c.failed + c.refused > 0);
    if (currentPatient()) showPatient(currentPatient());
    return;
  }
  setTimeout(async () => {
    try {
      showBatch(await (await api(`/v1/batches/${batch.id}`)).json());
    } catch (err) {
      say(`Could not follow the batch: ${err.message}`, true);
    }
  }, POLL_MS);
}

// ---- wiring ----

function route() {
  const code = currentPatient();
  if (code) showPatient(code); else showPatients();
}

document.addEventListener("DOMContentLoaded", () => {
  rememberApiKey(route);
  $("new-patient").addEventListener("submit", createPatient);
  $("batch-form").addEventListener("submit", sendBatch);
  setUpFloorMarks("Several recordings at once: mark the first; the camera must stay where it " +
    "was for all of them.");
  $("files").addEventListener("change", showFrameForMarks);
  $("protocol").addEventListener("change", showFrameForMarks);
  $("floor-box").addEventListener("toggle", showFrameForMarks);
  $("back").addEventListener("click", (e) => { e.preventDefault(); location.hash = ""; });
  window.addEventListener("hashchange", route);
  route();
});
