// The content script: watches the page for the open e-mail, asks the service worker to score it,
// and shows the banner (banner.js) with the answer. Only the e-mail open now is shown: an answer
// that arrives after the reader moved on is dropped. Nothing about the verdict is written into
// the page (no attribute; the banner's shadow root is closed): the service worker keeps the last
// outcome instead. While the server does not answer, the open e-mail is tried again every few
// seconds, so the banner updates by itself once the server runs.
"use strict";

const SLOW_MS = 500;
const RETRY_MS = 3000;
let currentKey = null;
let retry = null;

async function checkOpenEmail(again = false) {
  const open = readOpenEmail(document, location.hostname);
  const key = open ? open.key : null;
  if (key === currentKey && !again) return;
  currentKey = key;
  clearTimeout(retry);
  if (!open) {
    removeBanner();
    return;
  }
  // "Checking..." only when the answer takes a while, so that a legitimate e-mail scored
  // quickly shows nothing at all.
  const slow = again ? null : setTimeout(() => { if (currentKey === key) showBanner(document, { state: "checking" }); }, SLOW_MS);
  let answer;
  try {
    answer = await chrome.runtime.sendMessage({ type: "score", email: open.email });
  } catch (error) {
    answer = { state: "error", detail: "The extension was reloaded; reload this page." };
  }
  clearTimeout(slow);
  if (currentKey !== key) return;
  const stillDown = again && answer.state === "unreachable"; // keep the banner as it is (or closed)
  if (!stillDown) showBanner(document, answer);
  chrome.runtime.sendMessage({ type: "shown", key, state: answer.state }).catch(() => {});
  if (answer.state === "unreachable") retry = setTimeout(() => checkOpenEmail(true), RETRY_MS);
}

let pending = null;
new MutationObserver(() => {
  clearTimeout(pending);
  pending = setTimeout(checkOpenEmail, 200);
}).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["srcdoc", "data-email-id"] });
checkOpenEmail();
