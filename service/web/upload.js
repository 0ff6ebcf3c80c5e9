// Upload page: drag-and-drop a video, mark the floor on its first frame where the analysis needs
// it, watch upload and analysis progress, then show the result
// (fall-risk verdict with reasons, cues, key metrics with units, plots drawn here as SVG from the
// result document, the overlay video).
"use strict";
// Uses common.js (loaded first): $, POLL_MS, SVG_NS, apiKey, authHeaders, say, api,
// postWithProgress; floor_marks.js: floor, floorCalibration, showFirstFrame.

// [label, path in metrics, unit, decimals]
const METRICS = [
  ["Walking direction", ["walk_direction"], "", null],
  ["Steps", ["step_count"], "steps", 0],
  ["Cadence", ["cadence_spm"], "steps/min", 1],
  ["Speed", ["speed_mps"], "m/s", 2],
  ["Step length, mean", ["step_length_m", "mean"], "m", 3],
  ["Step length variability", ["step_length_m", "cv_pct"], "% CV", 1],
  ["Step time, mean", ["step_time_s", "mean"], "s", 3],
  ["Stride time variability", ["stride_time_sd_ms"], "ms SD", 0],
  ["Step length asymmetry", ["step_length_asymmetry_pct"], "%", 1],
  ["Double support", ["double_support_pct"], "% of gait cycle", 1],
  ["Trunk flexion, mean", ["trunk_flexion_deg", "mean"], "deg", 1],
  ["Trunk flexion, max", ["trunk_flexion_deg", "max"], "deg", 1],
  ["Trunk lateral lean, mean", ["trunk_lateral_lean_deg", "mean"], "deg", 1],
  ["Head pitch, mean", ["head_pitch_deg", "mean"], "deg", 1],
  ["Mediolateral sway", ["sway_ml_m"], "m", 3],
  ["3 m backward walk test", ["test_3mbwt_s"], "s", 2],
];

let pending = null; // a chosen video waiting for its floor marks

// A chosen video is analysed at once, unless the floor is to be marked on it first: always for
// the 3 m test (it is timed between two marked lines), else when the floor marks are open.
function chosen(file) {
  if ($("protocol").value !== "3mbwt" && !$("floor-box").open) {
    upload(file);
    return;
  }
  pending = file;
  $("floor-box").open = true;
  $("analyse").hidden = false;
  say(`${file.name}: mark the floor on its first frame, then press Analyse.`);
  showFirstFrame(file);
}

function analysePending() {
  if (!pending) {
    say("Choose a video first.", true);
    return;
  }
  if ($("protocol").value === "3mbwt" && !floorCalibration()) {
    say("The 3 m backward walk test is timed between the start line and the 3 m line: mark " +
      "both on the frame first.", true);
    return;
  }
  const file = pending;
  pending = null;
  $("analyse").hidden = true;
  upload(file);
}

function upload(file) {
  const form = new FormData();
  form.append("video", file, file.name);
  for (const id of ["height_cm", "population", "protocol", "patient_id"]) {
    const value = $(id).value.trim();
    if (value) form.append(id, value);
  }
  const marks = floor.file === file ? floorCalibration() : null;
  if (marks) form.append("calibration", JSON.stringify(marks));
  $("progress").hidden = false;
  $("result").hidden = true;
  say(`Uploading ${file.name} ...`);
  postWithProgress("/v1/analyses", form, "Uploaded; analysing ...", (body) => poll(body.id));
}

async function poll(id) {
  let doc;
  try {
    doc = await (await api(`/v1/analyses/${id}`)).json();
  } catch (err) {
    say(`Could not read the analysis: ${err.message}`, true);
    return;
  }
  $("analysis-progress").value = doc.progress_pct;
  $("analysis-pct").textContent = `${doc.status}, ${doc.progress_pct.toFixed(0)} %`;
  if (doc.status === "failed") {
    say(`Analysis failed: ${doc.error}`, true);
  } else if (doc.status === "done") {
    say("Done.");
    showResult(doc);
  } else {
    setTimeout(() => poll(id), POLL_MS);
  }
}

function pick(obj, path) {
  return path.reduce((o, k) => (o == null ? null : o[k]), obj);
}

function fmt(value, decimals) {
  if (value == null) return "not measured";
  if (typeof value === "number" && decimals != null) return value.toFixed(decimals);
  return String(value);
}

function showResult(doc) {
  const r = doc.result;
  $("result").hidden = false;

  const risk = r.fall_risk;
  const verdict = $("fall-risk");
  verdict.className = `verdict ${risk.level}`;
  verdict.replaceChildren(el("strong", `Fall-risk screen: ${risk.level}`),
    el("span", ` (population: ${risk.population})`));
  const reasons = el("ul");
  for (const reason of risk.reasons) {
    const cutoff = reason.cutoff == null ? "" : `, cut-off ${reason.cutoff}`;
    reasons.append(el("li", `${reason.rule}: ${fmt(reason.value, 2)}${cutoff} (${reason.source})`));
  }
  verdict.append(reasons);

  $("cues").replaceChildren(...r.feedback.map((f) => el("li", `${f.severity}: ${f.message}`, f.severity)));
  if (!r.feedback.length) $("cues").append(el("li", "No cues for this walk."));

  const rows = METRICS.map(([label, path, unit, decimals]) => {
    const tr = el("tr");
    const value = pick(r.metrics, path);
    tr.append(el("td", label), el("td", fmt(value, decimals), "value"), el("td", value == null ? "" : unit, "unit"));
    return tr;
  });
  $("metrics").tBodies[0].replaceChildren(...rows);
  $("warnings").replaceChildren(...r.quality.warnings.map((w) => el("li", w)));

  showComparison(r);
  drawTrunk(r);
  drawSteps(r);
  $("report-link").href = doc.links.report_html;
  $("pdf-link").href = doc.links.report_pdf;
  showOverlay(doc);
}


// The forward and backward walks side by side: [path in metrics, ratio key or null].
const COMPARED = [
  [["step_count"], null],
  [["speed_mps"], "speed_ratio"],
  [["cadence_spm"], "cadence_ratio"],
  [["step_length_m", "mean"], "step_length_ratio"],
  [["step_length_m", "cv_pct"], null],
  [["step_length_asymmetry_pct"], null],
  [["step_time_s", "mean"], null],
  [["stride_time_sd_ms"], null],
  [["double_support_pct"], null],
  [["trunk_flexion_deg", "mean"], null],
];

function withUnit(value, unit, decimals) {
  return value == null ? "not measured" : `${fmt(value, decimals)} ${unit}`.trim();
}

function showComparison(r) {
  const c = r.comparison || {};
  const box = $("comparison-box");
  box.hidden = !(c.forward || c.backward);
  if (box.hidden) return;
  const ratios = c.backward_to_forward || {};
  const rows = COMPARED.map(([path, ratioKey]) => {
    const [label, , unit, decimals] = METRICS.find((m) => m[1].join() === path.join());
    const ratio = ratioKey && ratios[ratioKey] != null ? ratios[ratioKey].toFixed(2) : "-";
    const tr = el("tr");
    tr.append(el("td", label), el("td", withUnit(pick(c.forward, path), unit, decimals), "value"),
      el("td", withUnit(pick(c.backward, path), unit, decimals), "value"), el("td", ratio, "value"));
    return tr;
  });
  $("comparison").tBodies[0].replaceChildren(...rows);
  const reasons = Object.entries(c.reasons || {});
  $("comparison-reasons").replaceChildren(
    ...reasons.map(([key, text]) => el("li", `Not compared: ${key.replaceAll("_", " ")}: ${text}.`)));
  const norms = c.forward_norms || [];
  $("forward-norms").hidden = !norms.length;
  $("forward-norms").querySelector("tbody").replaceChildren(...norms.map((n) => {
    const tr = el("tr");
    tr.append(el("td", n.label), el("td", `${n.speed_mps.toFixed(2)} m/s`), el("td", n.source));
    return tr;
  }));
}

// Plot frame: 600x220 with margins; returns x/y mappers.
function frame(svg, xs, ys, xLabel, yLabel) {
  svg.replaceChildren();
  const [l, r, t, b] = [45, 590, 10, 185];
  const finite = (a) => a.filter((v) => v != null && isFinite(v));
  const [x0, x1] = [Math.min(...finite(xs)), Math.max(...finite(xs))];
  let [y0, y1] = [Math.min(0, ...finite(ys)), Math.max(...finite(ys))];
  if (y1 === y0) y1 = y0 + 1;
  const X = (v) => l + ((v - x0) / (x1 - x0 || 1)) * (r - l);
  const Y = (v) => b - ((v - y0) / (y1 - y0)) * (b - t);
  svg.append(svgEl("line", { x1: l, y1: b, x2: r, y2: b, class: "axis" }),
    svgEl("line", { x1: l, y1: t, x2: l, y2: b, class: "axis" }),
    svgEl("text", { x: l, y: 205 }, `${x0.toFixed(1)}`),
    svgEl("text", { x: r - 30, y: 205 }, `${x1.toFixed(1)} ${xLabel}`),
    svgEl("text", { x: 2, y: t + 10 }, `${y1.toFixed(2)}`),
    svgEl("text", { x: 2, y: b }, `${y0.toFixed(2)}`),
    svgEl("text", { x: l + 5, y: t + 12 }, yLabel));
  return [X, Y];
}

function polyline(svg, xs, ys, X, Y, cls) {
  // Gaps (null) split the line rather than being drawn as zero.
  let points = [];
  const flush = () => {
    if (points.length > 1) svg.append(svgEl("polyline", { points: points.join(" "), class: cls }));
    points = [];
  };
  xs.forEach((x, i) => (ys[i] == null ? flush() : points.push(`${X(x).toFixed(1)},${Y(ys[i]).toFixed(1)}`)));
  flush();
}

function drawTrunk(r) {
  const svg = $("trunk-plot");
  const s = (r.extras || {}).series || {};
  if (!s.t_s || !s.trunk_flexion_deg) {
    svg.replaceChildren(svgEl("text", { x: 20, y: 110 }, "no trunk angle series in this result"));
    return;
  }
  const lateral = s.trunk_lateral_lean_deg || [];
  const [X, Y] = frame(svg, s.t_s, s.trunk_flexion_deg.concat(lateral), "s", "deg");
  polyline(svg, s.t_s, s.trunk_flexion_deg, X, Y, "flexion");
  if (lateral.length === s.t_s.length) polyline(svg, s.t_s, lateral, X, Y, "lateral");
}

function drawSteps(r) {
  const svg = $("steps-plot");
  const details = (r.extras || {}).step_details || [];
  let unit = "m";
  let lengths = r.steps.map((st) => st.length_m);
  let feet = r.steps.map((st) => st.foot);
  if (!lengths.some((v) => v != null) && details.length) {
    unit = "body heights";  // no metric scale: relative lengths are still comparable
    lengths = details.map((d) => d.length_body_heights);
    feet = details.map((d) => d.foot);
  }
  $("steps-caption").textContent = `Step length per step (${unit})`;
  if (!lengths.some((v) => v != null)) {
    svg.replaceChildren(svgEl("text", { x: 20, y: 110 }, "no step lengths measured"));
    return;
  }
  const idx = lengths.map((_, i) => i + 1);
  const [X, Y] = frame(svg, [0.5, lengths.length + 0.5], lengths, "step", unit);
  const w = Math.max(4, (X(1.5) - X(0.5)) * 0.7);
  lengths.forEach((v, i) => {
    if (v == null) return;
    svg.append(svgEl("rect", { x: X(idx[i]) - w / 2, y: Y(v), width: w, height: Math.max(0, Y(0) - Y(v)),
      class: `step-${feet[i]}`, "data-length": v }));
  });
}

async function showOverlay(doc) {
  const video = $("overlay");
  if (!doc.artefacts.includes("overlay")) {
    video.hidden = true;
    $("overlay-missing").hidden = false;
    return;
  }
  try {
    // Fetched (not a plain src) so the API key header goes with it.
    const blob = await (await api(doc.links.overlay_mp4)).blob();
    video.src = URL.createObjectURL(blob);
    video.hidden = false;
    $("overlay-missing").hidden = true;
  } catch (err) {
    $("overlay-missing").hidden = false;
    $("overlay-missing").textContent = `Overlay not available: ${err.message}`;
  }
}

function setUp() {
  setUpFloorMarks();
  const drop = $("drop");
  const file = $("file");
  rememberApiKey();
  drop.addEventListener("click", () => file.click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") file.click(); });
  file.addEventListener("change", () => { if (file.files.length) chosen(file.files[0]); });
  $("analyse").addEventListener("click", analysePending);
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const files = e.dataTransfer.files;
    if (files.length !== 1) { say("Drop one video file.", true); return; }
    chosen(files[0]);
  });
}

setUp();
