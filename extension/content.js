// The content script: watches the page for the open e-mail, asks the service worker to score it,
// and shows the banner (banner.js) with the answer. Only the e-mail open now is shown: an answer
// that arrives after the reader moved on is dropped.
"use strict";

let currentKey = null;

async function checkOpenEmail() {
  const open = readOpenEmail(document, location.hostname);
  const key = open ? open.key : null;
  if (key === currentKey) return;
  currentKey = key;
  if (!open) {
    removeBanner(document);
    return;
  }
  // "Checking..." only when the answer takes a while (the server's first e-mail), so that a
  // legitimate e-mail scored quickly shows nothing at all.
  const slow = setTimeout(() => { if (currentKey === key) showBanner(document, { state: "checking" }); }, 500);
  let answer;
  try {
    answer = await chrome.runtime.sendMessage({ type: "score", email: open.email });
  } catch (error) {
    answer = { state: "error", detail: "The extension was reloaded; reload this page." };
  }
  clearTimeout(slow);
  if (currentKey === key) {
    showBanner(document, answer);
    // For tests and curious readers: which e-mail was checked last, and the outcome.
    document.documentElement.dataset.tlutilsChecked = key;
    document.documentElement.dataset.tlutilsState = answer.state;
  }
}

let pending = null;
new MutationObserver(() => {
  clearTimeout(pending);
  pending = setTimeout(checkOpenEmail, 200);
}).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["srcdoc", "data-email-id"] });
checkOpenEmail();
