// The warning banner, in a shadow root so that the mail page's styles cannot change it.
// States: "phishing" (probability and reasons), "unreachable" (server not running), "error"
// (the server refused the e-mail), "checking"; a legitimate e-mail shows nothing.
"use strict";

const BANNER_ID = "tlutils-phishing-banner";
const BANNER_STYLE = `
  .banner { font: 14px/1.4 system-ui, sans-serif; padding: 10px 14px; border-radius: 6px;
            box-shadow: 0 2px 8px rgba(0,0,0,.25); max-width: 640px; }
  .phishing { background: #fce8e6; color: #a50e0e; border: 2px solid #d93025; }
  .unreachable, .error { background: #fef7e0; color: #594300; border: 2px solid #f9ab00; }
  .checking { background: #e8f0fe; color: #174ea6; border: 1px solid #aecbfa; }
  h1 { font-size: 15px; margin: 0 0 4px; }
  ul { margin: 4px 0 0; padding-left: 20px; }
  code { font-size: 12px; }
  button { float: right; border: 0; background: none; font-size: 16px; cursor: pointer; color: inherit; }`;

function removeBanner(doc) {
  const old = doc.getElementById(BANNER_ID);
  if (old) old.remove();
}

function bannerContent(doc, answer) {
  const box = doc.createElement("div");
  box.className = `banner ${answer.state}`;
  const title = doc.createElement("h1");
  const detail = doc.createElement("div");
  if (answer.state === "phishing") {
    const percent = Math.round(answer.result.probability * 100);
    title.textContent = `Warning: this e-mail is likely phishing (${percent}% probability)`;
    const reasons = doc.createElement("ul");
    for (const reason of answer.result.reasons || []) {
      const item = doc.createElement("li");
      item.textContent = reason;
      reasons.append(item);
    }
    detail.append(reasons);
  } else if (answer.state === "unreachable") {
    title.textContent = "Phishing check unavailable: the scoring server is not running";
    detail.textContent = `Nothing answers at ${answer.server}. Start it with `;
    const command = doc.createElement("code");
    command.textContent = "python -m tlutils.phishing.server";
    detail.append(command, " or set its address in the extension's options.");
  } else if (answer.state === "error") {
    title.textContent = "Phishing check failed";
    detail.textContent = answer.detail;
  } else {
    title.textContent = "Checking this e-mail for phishing...";
  }
  box.append(title, detail);
  return box;
}

function showBanner(doc, answer) {
  removeBanner(doc);
  if (answer.state === "legitimate") return;
  const host = doc.createElement("div");
  host.id = BANNER_ID;
  host.dataset.state = answer.state;
  host.setAttribute("role", answer.state === "checking" ? "status" : "alert");
  host.style.cssText = "position: fixed; top: 12px; right: 12px; z-index: 2147483647;";
  const shadow = host.attachShadow({ mode: "open" });
  const style = doc.createElement("style");
  style.textContent = BANNER_STYLE;
  const close = doc.createElement("button");
  close.textContent = "\u00d7";
  close.title = "Hide";
  close.addEventListener("click", () => host.remove());
  const content = bannerContent(doc, answer);
  content.prepend(close);
  shadow.append(style, content);
  doc.body.append(host);
}
