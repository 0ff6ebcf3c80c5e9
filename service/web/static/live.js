// Live backward-walking coach: camera -> JPEG frames over the /v1/live WebSocket -> skeleton,
// live metrics and spoken cues. Protocol: docs/live-protocol.md.
"use strict";

const SKELETON_COLOUR = "#00ff66"; // tests look for this colour on the canvas
const MAX_SIDE_PX = 640;           // frames are downscaled to this longer side before sending
const MAX_FPS = 20;                // never send faster than this
const MAX_IN_FLIGHT = 1;           // frames sent but not yet answered (or dropped): lowest latency

const ui = {
  video: $("video"), overlay: $("overlay"), status: $("status"), cue: $("cue"),
  alert: $("alert"), alertText: $("alert-text"), resume: $("resume"),
  camera: $("camera"), start: $("start"), stop: $("stop"), spaceClear: $("space-clear"),
  mute: $("mute"), save: $("save"), patient: $("patient"), apiKey: $("api-key"),
};

const session = {
  ws: null, stream: null, edges: [], frameId: 0, answered: 0, dropped: 0,
  lastSendMs: 0, started: false, finished: false, grab: document.createElement("canvas"),
  cueTimer: 0, cueCode: null, checks: {},
};

// A set-up check turns green or red only once its reading has held this long, so one frame's
// wobble does not flicker the list and the Start button.
const SETTLE_MS = 1000;

rememberApiKey();  // common.js: one key store for every page

function setStatus(text) { ui.status.textContent = text; }

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const key = ui.apiKey.value.trim();
  if (key) localStorage.setItem(KEY_STORE, key);
  return `${scheme}://${location.host}/v1/live` + (key ? `?api_key=${encodeURIComponent(key)}` : "");
}

async function turnOnCamera() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    setStatus("This browser cannot use a camera here (a secure https page is needed).");
    return;
  }
  ui.camera.disabled = true;
  try {
    session.stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false,
    });
  } catch (err) {
    ui.camera.disabled = false;
    setStatus(`The camera could not be opened: ${err.message || err.name}.`);
    return;
  }
  ui.video.srcObject = session.stream;
  await ui.video.play().catch(() => {});
  connect();
}

function connect() {
  const ws = new WebSocket(socketUrl());
  ws.binaryType = "arraybuffer";
  session.ws = ws;
  setStatus("Connecting to the coach...");
  ws.onmessage = (ev) => onMessage(JSON.parse(ev.data));
  ws.onclose = (ev) => {
    if (ev.code === 1008) setStatus(`Not allowed: ${ev.reason}`);
    else if (!$("summary").hidden) setStatus("Session finished.");
    else setStatus("Connection to the coach closed.");
    ui.start.disabled = true;
    ui.stop.disabled = true;
    ui.camera.disabled = false;
  };
  ws.onerror = () => setStatus("Connection to the coach failed.");
}

function onMessage(msg) {
  if (msg.type === "ready") {
    session.edges = msg.skeleton || [];
    setStatus("Connected. Stand side-on, whole body in view, then tick the space check.");
    ui.stop.disabled = false;
    if (msg.cue) showCue(msg.cue); // the safety reminder every session opens with
    requestAnimationFrame(pump);
  } else if (msg.type === "frame") {
    session.answered += 1;
    session.dropped = msg.dropped_frames;
    onFrame(msg);
  } else if (msg.type === "summary") {
    showSummary(msg);
  } else if (msg.type === "error") {
    setStatus(`Coach: ${msg.message}`);
  }
}

// Send the current camera image when the server is keeping up (bounded frames in flight).
function pump() {
  const ws = session.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  const now = performance.now();
  const inFlight = session.frameId - session.answered - session.dropped;  // frameId: frames sent
  if (ui.video.readyState >= 2 && inFlight < MAX_IN_FLIGHT && now - session.lastSendMs >= 1000 / MAX_FPS) {
    session.lastSendMs = now;
    sendFrame(now);
  }
  requestAnimationFrame(pump);
}

function sendFrame(captureMs) {
  const v = ui.video;
  const scale = Math.min(1, MAX_SIDE_PX / Math.max(v.videoWidth, v.videoHeight));
  const w = Math.round(v.videoWidth * scale), h = Math.round(v.videoHeight * scale);
  if (!w || !h) return;
  const g = session.grab;
  if (g.width !== w || g.height !== h) { g.width = w; g.height = h; }
  g.getContext("2d").drawImage(v, 0, 0, w, h);
  const id = ++session.frameId;
  g.toBlob(async (blob) => {
    if (!blob || !session.ws || session.ws.readyState !== WebSocket.OPEN) return;
    const jpeg = await blob.arrayBuffer();
    const msg = new Uint8Array(12 + jpeg.byteLength);
    const head = new DataView(msg.buffer);
    head.setFloat64(0, captureMs, true);
    head.setUint32(8, id, true);
    msg.set(new Uint8Array(jpeg), 12);
    session.ws.send(msg.buffer);
  }, "image/jpeg", 0.75);
}

const NOT_YET = "not yet measured";

function onFrame(msg) {
  if (session.finished) return;  // frames answered after Finish do not redraw the last pose
  drawSkeleton(msg.landmarks);
  updateSetup(msg.setup, performance.now());
  const m = msg.metrics;
  $("m-steps").textContent = m.step_count;
  $("m-direction").textContent = m.walk_direction || "not yet known";
  $("m-cadence").textContent = m.cadence_spm == null ? NOT_YET : `${Math.round(m.cadence_spm)} steps/min`;
  $("m-trunk").textContent = m.trunk_flexion_deg == null ? NOT_YET :
    `${Math.round(m.trunk_flexion_deg)}\u00b0 forward`;
  $("m-elapsed").textContent = `${Math.round(m.elapsed_s)} s`;
  if (msg.alert) showAlert(msg.alert);
  if (msg.state === "coaching") backInView();
  if (msg.cue) showCue(msg.cue);
}

// Coaching again after an alert (the walker is back in view): the alert and its cue go.
function backInView() {
  if (!ui.alert.hidden) ui.alert.hidden = true;
  if (session.cueCode === "left_view" || session.cueCode === "lost") clearCue();
}

function drawSkeleton(points) {
  const c = ui.overlay, v = ui.video;
  if (v.videoWidth && (c.width !== v.videoWidth || c.height !== v.videoHeight)) {
    c.width = v.videoWidth;
    c.height = v.videoHeight;
  }
  const ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  if (!points) return;
  const px = (p) => [p[0] * c.width, p[1] * c.height];
  ctx.strokeStyle = SKELETON_COLOUR;
  ctx.fillStyle = SKELETON_COLOUR;
  ctx.lineWidth = Math.max(3, c.width / 160);
  ctx.lineCap = "round";
  for (const [a, b] of session.edges) {
    if (points[a][2] < 0.3 || points[b][2] < 0.3) continue;
    const [x1, y1] = px(points[a]), [x2, y2] = px(points[b]);
    ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
  }
  for (const p of points) {
    if (p[2] < 0.3) continue;
    const [x, y] = px(p);
    ctx.beginPath(); ctx.arc(x, y, ctx.lineWidth, 0, 2 * Math.PI); ctx.fill();
  }
}

function mark(id, ok) { $(id).className = ok ? "ok" : "bad"; }

// The reading shown for check ``name``: null (pending) until a reading has held SETTLE_MS,
// then that reading until another has held as long. ``nowMs``: the frame's arrival time.
function settled(name, reading, nowMs) {
  const c = session.checks[name] ??= { shown: null, reading, since: nowMs };
  if (reading !== c.reading) Object.assign(c, { reading, since: nowMs });
  if (c.shown !== reading && nowMs - c.since >= SETTLE_MS) c.shown = reading;
  return c.shown;
}

function markSettled(id, ok) { if (ok !== null) mark(id, ok); }

function updateSetup(s, nowMs) {
  markSettled("chk-body", settled("body", s.whole_body, nowMs));
  markSettled("chk-side", settled("side", s.side_on, nowMs));
  mark("chk-space", ui.spaceClear.checked);
  if (session.started) return;
  const ok = settled("ok", s.ok, nowMs) === true;
  ui.start.disabled = !(ok && ui.spaceClear.checked);
  const advice = settled("advice", s.messages.join(" "), nowMs);
  setStatus(!ok && advice ? advice :
    !ok ? "Checking the set-up ..." :
    ui.spaceClear.checked ? "Ready: press Start, then walk backward." :
    "Tick the check that the space behind you is clear.");
}

const CUE_SHOWN_MS = 6000;          // a cue stays on screen this long (alerts stay in the banner)

function clearCue() {
  clearTimeout(session.cueTimer);
  ui.cue.textContent = "";
  session.cueCode = null;
}

function showCue(cue) {
  ui.cue.textContent = cue.message;
  ui.cue.className = `cue ${cue.code === "good_form" ? "praise" : cue.severity}`;
  session.cueCode = cue.code;
  clearTimeout(session.cueTimer);
  session.cueTimer = setTimeout(clearCue, CUE_SHOWN_MS);
  speak(cue.message, cue.severity === "alert" || cue.severity === "warning");
}

function speak(text, urgent) {
  if (ui.mute.checked || !("speechSynthesis" in window)) return;
  if (urgent) speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.rate = 0.95;
  speechSynthesis.speak(u);
}

function showAlert(alert) {
  ui.alertText.textContent = alert.message;
  ui.alert.hidden = false;
  ui.resume.hidden = alert.kind === "left_view"; // coaching resumes when they are back in view
}

function send(obj) {
  if (session.ws && session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(obj));
}

ui.camera.addEventListener("click", turnOnCamera);
ui.spaceClear.addEventListener("change", () => mark("chk-space", ui.spaceClear.checked));
ui.start.addEventListener("click", () => {
  session.started = true;
  ui.start.disabled = true;
  send({ type: "start" });
  setStatus("Coaching. Walk backward with small, slow steps.");
  speak("Start when ready. Small, slow steps backward.", false);
});
ui.resume.addEventListener("click", () => {
  ui.alert.hidden = true;
  send({ type: "resume" });
});
ui.stop.addEventListener("click", () => {
  ui.stop.disabled = true;
  setStatus("Analysing the session...");
  const patient = ui.patient.value.trim();
  send({ type: "stop", save: ui.save.checked, patient_id: patient || null });
});

// The finished page: camera off, no frozen skeleton, the view says the session is over.
function finish() {
  session.finished = true;
  if (session.stream) session.stream.getTracks().forEach((t) => t.stop());
  ui.video.srcObject = null;
  const c = ui.overlay;
  c.getContext("2d").clearRect(0, 0, c.width, c.height);
  $("view").classList.add("finished");
  ui.alert.hidden = true;
  clearCue();
}

// Cues and alerts of a session, one list in time order (alerts marked as such).
function timeline(live) {
  const items = [...(live.cues || []).map((c) => ({ ...c, alert: false })),
    ...(live.alerts || []).map((a) => ({ ...a, alert: true }))];
  return items.sort((a, b) => a.t_s - b.t_s);
}

function showSummary(msg) {
  finish();
  $("summary").hidden = false;
  const live = msg.live || {};
  $("s-steps").textContent = live.step_count ?? "none counted";
  $("s-duration").textContent = live.duration_s == null ? "not timed" : `${live.duration_s} s`;
  $("s-cadence").textContent = live.cadence_spm == null ? "not measured" :
    `${Math.round(live.cadence_spm)} steps/min`;
  const items = timeline(live).map((c) => el("li", `${c.t_s.toFixed(0)} s: ${c.message}`,
    c.alert ? "alert-item" : ""));
  $("s-cues").replaceChildren(...(items.length ? items : [el("li", "No cues were given.")]));
  const r = msg.result;
  const fb = $("s-feedback");
  fb.replaceChildren();
  if (r) {
    $("s-direction").textContent = r.metrics.walk_direction || "not found";
    $("s-score").textContent = r.scores.overall == null ? "not scored" : Math.round(r.scores.overall);
    $("s-risk").textContent = r.fall_risk.level;
    for (const f of r.feedback || []) {
      const li = document.createElement("li");
      li.textContent = f.message;
      fb.appendChild(li);
    }
  }
  const notes = [];
  if (msg.error) notes.push(msg.error);
  if (msg.analysis_id) notes.push(`Saved as analysis ${msg.analysis_id}.`);
  $("s-note").textContent = notes.join(" ");
  setStatus("Session finished.");
}
