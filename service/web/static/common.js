// Shared by the upload and clinic pages: element lookup and creation (HTML and SVG), the API
// key (typed in the page or remembered in this browser) and fetch with JSON error messages.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const SVG_NS = "http://www.w3.org/2000/svg";

// One storage key for every page, so a key typed on one page serves all.
const KEY_STORE = "retrogaitKey";

function apiKey() { return $("api-key").value.trim() || localStorage.getItem(KEY_STORE) || ""; }

// Fill the key box from this browser's memory and remember what is typed; then onChange().
function rememberApiKey(onChange = () => {}) {
  $("api-key").value = localStorage.getItem(KEY_STORE) || "";
  $("api-key").addEventListener("change", () => {
    localStorage.setItem(KEY_STORE, $("api-key").value.trim());
    onChange();
  });
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

async function api(path, options = {}) {
  const resp = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  if (!resp.ok) {
    let detail = resp.statusText;
    try { detail = (await resp.json()).detail; } catch (_) { /* not JSON */ }
    throw new Error(`${resp.status}: ${detail}`);
  }
  return resp;
}

// POST a multipart form with upload progress shown in #upload-progress / #upload-pct; on 202,
// says `doneText` and calls onAccepted(body); any other answer is shown with its reason.
function postWithProgress(path, form, doneText, onAccepted) {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", path);
  for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    const pct = Math.round((100 * e.loaded) / e.total);
    $("upload-progress").value = pct;
    $("upload-pct").textContent = `${pct} %`;
  };
  xhr.onerror = () => say("Upload failed: the server could not be reached.", true);
  xhr.onload = () => {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
    if (xhr.status !== 202) {
      say(`Upload refused (${xhr.status}): ${body.detail || xhr.statusText}`, true);
      return;
    }
    $("upload-progress").value = 100;
    $("upload-pct").textContent = "100 %";
    say(doneText);
    onAccepted(body);
  };
  xhr.send(form);
}
