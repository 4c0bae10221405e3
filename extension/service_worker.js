// The extension's service worker: receives an e-mail from the content script and asks the local
// scoring server about it. MV3 rules kept: the listeners are registered at the top level (so the
// worker wakes for them), nothing is loaded from elsewhere, and fetch goes only to the loopback
// server that the host permissions name.
//
// The content script reads the course's demo webmail only at the server's own address: it is
// registered for `<server address>/demo*` (the address set in the options, port included), and
// registered anew when that address changes, so other local web apps' pages are never read.
"use strict";

const DEFAULT_SERVER = "http://127.0.0.1:8765";
const TIMEOUT_MS = 30000; // a busy server may queue an e-mail for a few seconds
const DEMO_SCRIPT = "demo-webmail";

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message && message.type === "score") {
    scoreEmail(message.email).then(sendResponse);
    return true; // the answer comes asynchronously
  }
  if (message && message.type === "shown") {
    // The last outcome shown, for tests and curious readers (the extension's own DevTools);
    // the page itself cannot read it.
    chrome.storage.session.set({ lastShown: { key: message.key, state: message.state, url: sender.url } });
  }
  return false;
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && changes.server) registerDemoScript();
});
chrome.runtime.onInstalled.addListener(registerDemoScript);
chrome.runtime.onStartup.addListener(registerDemoScript);

async function serverAddress() {
  const { server } = await chrome.storage.local.get({ server: DEFAULT_SERVER });
  return server;
}

// The content script for the demo webmail, at the configured server's origin only. The port is
// always written out: a match pattern without one matches every port.
async function registerDemoScript() {
  const server = new URL(await serverAddress());
  const script = {
    id: DEMO_SCRIPT,
    matches: [`http://${server.hostname}:${server.port || "80"}/demo*`],
    js: ["mail_readers.js", "banner.js", "content.js"],
    runAt: "document_idle",
  };
  const registered = await chrome.scripting.getRegisteredContentScripts({ ids: [DEMO_SCRIPT] });
  if (registered.length) await chrome.scripting.updateContentScripts([script]);
  else await chrome.scripting.registerContentScripts([script]);
}

// {state: "phishing" | "legitimate", result}, {state: "cannot-judge", detail} or
// {state: "unreachable" | "error", detail}.
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
  if (body.verdict === "cannot judge") {
    const detail = body.detail || (body.reasons || [])[0] || "The e-mail holds nothing the detector can read.";
    return { state: "cannot-judge", server, detail, result: body };
  }
  return { state: body.verdict === "phishing" ? "phishing" : "legitimate", server, result: body };
}
