// Shared by the upload and clinic pages: element lookup, the API key (typed in the page or
// remembered in this browser) and fetch with JSON error messages.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const SVG_NS = "http://www.w3.org/2000/svg";

function apiKey() { return $("api-key").value.trim() || localStorage.getItem("retrogaitKey") || ""; }

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
