// The extension's service worker: receives an e-mail from the content script and asks the local
// scoring server about it. MV3 rules kept: the listener is registered at the top level (so the
// worker wakes for it), nothing is loaded from elsewhere, and fetch goes only to the loopback
// server that the host permissions name.
"use strict";

const DEFAULT_SERVER = "http://127.0.0.1:8765";
const TIMEOUT_MS = 30000; // the first e-mail also warms up TensorFlow on the server

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || message.type !== "score") return false;
  scoreEmail(message.email).then(sendResponse);
  return true; // the answer comes asynchronously
});

async function serverAddress() {
  const { server } = await chrome.storage.local.get({ server: DEFAULT_SERVER });
  return server;
}

// {state: "phishing" | "legitimate", result} or {state: "unreachable" | "error", detail}.
async function scoreEmail(email) {
  const server = await serverAddress();
  let response;
  try {
    response = await fetch(`${server}/score`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(email),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    if (error.name === "TimeoutError") {
      return { state: "error", server, detail: `The scoring server did not answer within ${TIMEOUT_MS / 1000} s.` };
    }
    return { state: "unreachable", server };
  }
  let body = {};
  try { body = await response.json(); } catch (error) { /* keep the status below */ }
  if (!response.ok) {
    return { state: "error", server, detail: body.detail || `The scoring server answered HTTP ${response.status}.` };
  }
  return { state: body.verdict === "phishing" ? "phishing" : "legitimate", server, result: body };
}
