// Upload page: drag-and-drop a video, mark the floor on its first frame where the analysis needs
// it, watch upload and analysis progress, then show the result
// (fall-risk verdict with reasons, cues, key metrics with units, plots drawn here as SVG from the
// result document, the overlay video).
"use strict";
// Uses common.js (loaded first): $, POLL_MS, SVG_NS, apiKey, authHeaders, say, api,
// postWithProgress; floor_marks.js: floor, floorCalibration, showFirstFrame; plots.js: chartFrame,
// legend, noData, polyline, finiteOf, PLOT.

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

function drawTrunk(r) {
  const svg = $("trunk-plot");
  const title = "Trunk angle over the walk";
  const s = (r.extras || {}).series || {};
  const flexion = s.trunk_flexion_deg || [];
  const lateral = (s.trunk_lateral_lean_deg || []).length === (s.t_s || []).length ? s.trunk_lateral_lean_deg : [];
  const ys = finiteOf(flexion.concat(lateral));
  if (!s.t_s || !ys.length) {
    noData(svg, title, "no trunk angle was measured in this walk");
    return;
  }
  const [X, Y] = chartFrame(svg, { title, xLabel: "time (s)", yLabel: "trunk angle (deg)",
    x: [Math.min(...s.t_s), Math.max(...s.t_s)], y: [Math.min(0, ...ys), Math.max(...ys)] });
  const items = [];
  for (const [way, cls] of [["backward", "seg-backward"], ["forward", "seg-forward"]]) {
    const segs = r.segments.filter((g) => g.direction === way);
    for (const g of segs) {
      svg.insertBefore(svgEl("rect", { x: X(g.start_s), width: X(g.end_s) - X(g.start_s), y: PLOT.t,
        height: PLOT.b - PLOT.t, class: cls }), svg.children[1]);
    }
    if (segs.length) items.push({ label: `walking ${way}`, cls, shape: "band" });
  }
  if (finiteOf(flexion).length) {
    polyline(svg, s.t_s, flexion, X, Y, "flexion");
    items.push({ label: "flexion (+ forward)", cls: "flexion", shape: "line" });
  }
  if (finiteOf(lateral).length) {
    polyline(svg, s.t_s, lateral, X, Y, "lateral");
    items.push({ label: "lateral lean", cls: "lateral", shape: "line" });
  }
  legend(svg, items);
}

// The steps as the tables count them: per step, its length (metres, else body heights) and
// whether the summary's mean uses it (a walk's first and last steps are left out).
function stepRows(r) {
  const details = (r.extras || {}).step_details || [];
  const same = details.length === r.steps.length;
  const metric = r.steps.some((st) => st.length_m != null);
  return r.steps.map((st, i) => ({
    foot: st.foot, t: st.t_contact_s,
    length: metric ? st.length_m : same ? details[i].length_body_heights : null,
    steady: same ? details[i].steady !== false : true,
  }));
}

function drawSteps(r) {
  const svg = $("steps-plot");
  const title = "Step length per step";
  const rows = stepRows(r);
  const metric = r.steps.some((st) => st.length_m != null);
  const unit = metric ? "m" : "body heights";
  const measured = rows.filter((row) => row.length != null);
  if (!measured.length) {
    noData(svg, title, "no step lengths were measured");
    return;
  }
  const ts = measured.map((row) => row.t);
  const [X, Y] = chartFrame(svg, { title, xLabel: "time of foot contact (s)", yLabel: `step length (${unit})`,
    x: [Math.min(...ts) - 0.3, Math.max(...ts) + 0.3], y: [0, Math.max(...measured.map((row) => row.length)) * 1.1] });
  // The mean the metrics table shows (over the steady steps), not one of its own.
  const mean = metric ? pick(r.metrics, ["step_length_m", "mean"])
    : pick(r.extras || {}, ["metrics_more", "step_length_body_heights_mean"]);
  if (mean != null) {
    svg.append(svgEl("line", { x1: PLOT.l, x2: PLOT.r, y1: Y(mean), y2: Y(mean), class: "mean" }));
  }
  for (const row of measured) {
    const dot = svgEl("circle", { cx: X(row.t), cy: Y(row.length), r: 4.5,
      class: `step-${row.foot}${row.steady ? "" : " hollow"}`, "data-length": row.length });
    dot.append(svgEl("title", {}, `${row.foot} foot at ${row.t.toFixed(2)} s: ${row.length.toFixed(3)} ${unit}` +
      (row.steady ? "" : " (not in the mean)")));
    svg.append(dot);
  }
  const items = ["left", "right"].filter((f) => measured.some((row) => row.foot === f))
    .map((f) => ({ label: `${f} foot`, cls: `step-${f}`, shape: "dot" }));
  if (measured.some((row) => !row.steady)) items.push({ label: "not in the mean", cls: "step-other", shape: "hollow" });
  if (mean != null) items.push({ label: `mean ${mean.toFixed(metric ? 3 : 2)} ${unit}`, cls: "mean", shape: "line" });
  legend(svg, items);
  $("steps-caption").textContent = `Step length per step (${unit}); hollow: a walk's first or ` +
    "last step, left out of the mean.";
}

// The overlay video with a poster frame, a timeline of contacts and lifts under it (click to
// seek), and the steps table whose rows seek the video to their step.
async function showOverlay(doc) {
  const video = $("overlay");
  const r = doc.result;
  showStepsTable(r);
  if (!doc.artefacts.includes("overlay")) {
    video.hidden = true;
    $("overlay-timeline").toggleAttribute("hidden", true);
    $("timeline-key").hidden = true;
    $("overlay-missing").hidden = false;
    return;
  }
  try {
    // Fetched (not a plain src) so the API key header goes with it.
    const blob = await (await api(doc.links.overlay_mp4)).blob();
    video.addEventListener("loadeddata", () => posterFrame(video, firstWalkS(r)), { once: true });
    video.src = URL.createObjectURL(blob);
    video.hidden = false;
    $("overlay-missing").hidden = true;
    drawTimeline(r, video);
  } catch (err) {
    $("overlay-missing").hidden = false;
    $("overlay-missing").textContent = `Overlay not available: ${err.message}`;
  }
}

function firstWalkS(r) {
  const walk = r.segments.find((g) => g.direction === "backward" || g.direction === "forward");
  return walk ? walk.start_s : 0;
}

// The walk's first frame as the poster (and where play starts), so the video is not a blank box before it plays.
function posterFrame(video, atS) {
  video.addEventListener("seeked", () => {
    const c = document.createElement("canvas");
    [c.width, c.height] = [video.videoWidth, video.videoHeight];
    c.getContext("2d").drawImage(video, 0, 0);
    video.poster = c.toDataURL("image/jpeg", 0.8);
    video.dataset.poster = "1";
  }, { once: true });
  video.currentTime = Math.min(atS, video.duration || atS);
}

function drawTimeline(r, video) {
  const svg = $("overlay-timeline");
  svg.toggleAttribute("hidden", false);
  $("timeline-key").hidden = false;
  const duration = r.video.duration_s || 1;
  const [l, w] = [8, 344];
  const X = (t) => l + (w * t) / duration;
  svg.replaceChildren(svgEl("rect", { x: l, y: 4, width: w, height: 36, class: "track" }));
  for (const e of r.events) {
    const y = e.foot === "left" ? 6 : 23;
    svg.append(svgEl("rect", { x: X(e.t_s) - 1.5, y, width: 3, height: 15,
      class: `${e.type} step-${e.foot}${e.type === "lift" ? " hollow" : ""}` }));
  }
  const head = svgEl("line", { x1: l, x2: l, y1: 2, y2: 42, class: "playhead" });
  svg.append(head);
  video.addEventListener("timeupdate", () => {
    head.setAttribute("x1", X(video.currentTime));
    head.setAttribute("x2", X(video.currentTime));
  });
  svg.onclick = (ev) => {
    const box = svg.getBoundingClientRect();
    const t = (((ev.clientX - box.left) / box.width) * 360 - l) / w * duration;
    video.currentTime = Math.max(0, Math.min(duration, t));
  };
}

function showStepsTable(r) {
  const rows = stepRows(r);
  const metric = r.steps.some((st) => st.length_m != null);
  $("steps-box").hidden = !rows.length;
  $("steps-table").tBodies[0].replaceChildren(...rows.map((row, i) => {
    const tr = el("tr", null, row.steady ? "" : "unsteady");
    tr.tabIndex = 0;
    tr.dataset.t = row.t;
    const length = row.length == null ? "not measured" :
      `${row.length.toFixed(metric ? 3 : 2)} ${metric ? "m" : "body heights"}`;
    tr.append(el("td", String(i + 1)), el("td", row.foot), el("td", `${row.t.toFixed(2)} s`),
      el("td", length), el("td", row.steady ? "yes" : "no: walk's end"));
    const seek = () => { const v = $("overlay"); if (!v.hidden) { v.currentTime = row.t; v.scrollIntoView({ block: "nearest" }); } };
    tr.addEventListener("click", seek);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") seek(); });
    return tr;
  }));
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
