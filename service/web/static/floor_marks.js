// Floor marks on the chosen video's first frame, clicked by the user, in the video's own pixels:
// the analysis' floor calibration (metres, and the start and 3 m lines of the 3 m backward walk
// test). Seen from the side, two points along the walk: the start line, then the far line, with
// the distance between them. From the front, the back or at an angle, the four corners of a
// taped rectangle, going round it from the start line, with its length along the walk and its
// width.
"use strict";
// Uses common.js (loaded first): $, el. The page calls setUpFloorMarks() once.

const floor = { points: [], frame: null, file: null };

// The panel, built into the page's empty <details id="floor-box">.
function buildFloorBox(note) {
  const box = $("floor-box");
  const option = (value, text) => Object.assign(document.createElement("option"), { value, textContent: text });
  const number = (id, value, min, max) => Object.assign(document.createElement("input"),
    { id, type: "number", value, min, max, step: "0.05" });
  const label = (text, input, id) => {
    const l = el("label", text);
    if (id) l.id = id;
    l.append(input);
    return l;
  };
  const mode = document.createElement("select");
  mode.id = "floor-mode";
  mode.append(option("line", "start line and far line (side view)"),
    option("rectangle", "corners of a taped rectangle (other views)"));
  const options = el("div", null, "floor-options");
  const width = label("Rectangle width (m) ", number("floor-width", "1", "0.2", "10"), "floor-width-label");
  width.hidden = true;
  options.append(label("Marks ", mode), label("Distance along the walk (m) ",
    number("floor-length", "3", "0.5", "20")), width);
  const canvas = document.createElement("canvas");
  canvas.id = "floor-canvas";
  canvas.hidden = true;
  canvas.setAttribute("aria-label", "First frame of the video: click to mark the floor");
  const status = el("p");
  status.id = "floor-status";
  status.setAttribute("role", "status");
  const clear = el("button", "Clear marks");
  clear.id = "floor-clear";
  clear.type = "button";
  box.append(el("summary", "Floor marks (distances in metres; needed for the 3 m test)"),
    el("p", "Mark the floor on the video's first frame: from the side, where the walk starts " +
      "and the line it is timed to (tape on the floor helps); from the front, the back or at " +
      "an angle, the four corners of a rectangle taped on the floor." + (note ? ` ${note}` : "")),
    options, canvas, status, clear);
}

function floorMarksNeeded() {
  return $("floor-mode").value === "rectangle" ? 4 : 2;
}

// The distances typed in (m), or null where one is missing or not positive.
function floorSizes() {
  const length = parseFloat($("floor-length").value);
  const width = parseFloat($("floor-width").value);
  if (!(length > 0) || (floorMarksNeeded() === 4 && !(width > 0))) return null;
  return { length, width };
}

function floorHint() {
  const n = floor.points.length;
  if (!floor.frame) return "";
  if (!floorSizes()) return "Enter the distances in metres (more than zero).";
  if (floorMarksNeeded() === 2) {
    return ["Click where the walk starts (the start line).",
      "Click the far line, along the walk.", "Both lines marked."][n];
  }
  return n < 4
    ? `Click corner ${n + 1} of 4 of the taped rectangle: the two on the start line first, then ` +
      "the two on the far line, going round it."
    : "All four corners marked.";
}

// The floor calibration for the analysis, or null until every mark is placed.
function floorCalibration() {
  const sizes = floorSizes();
  if (floor.points.length !== floorMarksNeeded() || !sizes) return null;
  const { length, width } = sizes;
  const imagePx = floor.points.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
  if (floorMarksNeeded() === 2) return { image_px: imagePx, distance_m: length };
  return { image_px: imagePx, floor_m: [[0, 0], [0, width], [length, width], [length, 0]] };
}

function drawFloorMarks() {
  const canvas = $("floor-canvas");
  const g = canvas.getContext("2d");
  if (floor.frame) g.putImageData(floor.frame, 0, 0);
  const r = Math.max(4, canvas.width / 160);
  g.lineWidth = Math.max(2, canvas.width / 480);
  g.strokeStyle = "#ffd400";
  g.fillStyle = "#ffd400";
  g.font = `${Math.round(r * 3.5)}px sans-serif`;
  if (floor.points.length > 1) {
    g.beginPath();
    floor.points.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
    if (floor.points.length === 4) g.closePath();
    g.stroke();
  }
  floor.points.forEach(([x, y], i) => {
    g.beginPath();
    g.arc(x, y, r, 0, 2 * Math.PI);
    g.fill();
    g.fillText(floorMarksNeeded() === 2 ? ["start", "far line"][i] : String(i + 1), x + r, y - r);
  });
  $("floor-status").textContent = floorHint();
  canvas.dataset.marks = String(floor.points.length);
}

// Shows the first frame of ``file`` for marking; resolves false where the browser cannot decode
// the video (the marks can still be given through the API).
function showFirstFrame(file) {
  floor.points = [];
  floor.frame = null;
  floor.file = file;
  const canvas = $("floor-canvas");
  canvas.hidden = true;
  canvas.dataset.ready = "";
  const video = document.createElement("video");
  video.muted = true;
  video.preload = "auto";
  video.src = URL.createObjectURL(file);
  return new Promise((resolve) => {
    const done = (ok) => { URL.revokeObjectURL(video.src); resolve(ok); };
    video.addEventListener("error", () => {
      $("floor-status").textContent =
        "This browser cannot show the video's frames: give the floor marks through the API.";
      done(false);
    });
    video.addEventListener("loadeddata", () => { video.currentTime = 0; });
    video.addEventListener("seeked", () => {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const g = canvas.getContext("2d");
      g.drawImage(video, 0, 0);
      floor.frame = g.getImageData(0, 0, canvas.width, canvas.height);
      canvas.hidden = false;
      canvas.dataset.ready = "1";
      drawFloorMarks();
      done(true);
    }, { once: true });
  });
}

function setUpFloorMarks(note) {
  buildFloorBox(note);
  const canvas = $("floor-canvas");
  canvas.addEventListener("click", (e) => {
    if (!floor.frame || floor.points.length >= floorMarksNeeded()) return;
    const box = canvas.getBoundingClientRect();
    floor.points.push([(e.clientX - box.left) * (canvas.width / box.width),
      (e.clientY - box.top) * (canvas.height / box.height)]);
    drawFloorMarks();
  });
  $("floor-clear").addEventListener("click", () => { floor.points = []; drawFloorMarks(); });
  for (const id of ["floor-length", "floor-width"]) {
    $(id).addEventListener("input", () => { $("floor-status").textContent = floorHint(); });
  }
  $("floor-mode").addEventListener("change", () => {
    $("floor-width-label").hidden = $("floor-mode").value !== "rectangle";
    floor.points = [];
    drawFloorMarks();
  });
}

