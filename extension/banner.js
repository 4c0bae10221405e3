// The warning banner, in a CLOSED shadow root: the mail page's styles cannot change it and the
// page's scripts cannot read it (the host element carries no state either). States: "phishing"
// (probability and reasons), "cannot-judge" (nothing readable in the e-mail), "unreachable"
// (server not running), "error" (the server refused the e-mail), "checking"; a legitimate e-mail
// shows nothing. It sits at the bottom right, at most 420 px wide, so that it covers neither the
// subject and sender lines at the top of a reading pane nor, in an 800 px window, the inbox.
"use strict";

const BANNER_ID = "tlutils-phishing-banner";
const SERVER_COMMAND = ".venv/bin/python -m tlutils.phishing.service.server";
const BANNER_STYLE = `
  .banner { font: 14px/1.4 system-ui, sans-serif; padding: 10px 14px; border-radius: 6px;
            box-shadow: 0 2px 8px rgba(0,0,0,.25); box-sizing: border-box;
            width: min(420px, calc(100vw - 24px)); max-height: 45vh; overflow-y: auto; }
  .phishing { background: #fce8e6; color: #a50e0e; border: 2px solid #d93025; }
  .unreachable, .error { background: #fef7e0; color: #594300; border: 2px solid #f9ab00; }
  .checking, .cannot-judge { background: #e8f0fe; color: #174ea6; border: 1px solid #aecbfa; }
  h1 { font-size: 15px; margin: 0 0 4px; }
  ul { margin: 4px 0 0; padding-left: 20px; }
  code { font-size: 12px; }
  button { float: right; border: 0; background: none; font-size: 16px; cursor: pointer; color: inherit; }`;

let bannerHost = null; // the element in the page; its shadow root is closed

function removeBanner() {
  if (bannerHost) bannerHost.remove();
  bannerHost = null;
}

function bannerText(doc, answer) {
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
  } else if (answer.state === "cannot-judge") {
    title.textContent = "The phishing check cannot judge this e-mail";
    detail.textContent = answer.detail;
  } else if (answer.state === "unreachable") {
    title.textContent = "Phishing check unavailable: the scoring server is not running";
    detail.textContent = `Nothing answers at ${answer.server}. In the course's folder, start it with `;
    const command = doc.createElement("code");
    command.textContent = SERVER_COMMAND;
    detail.append(command, " (this e-mail is checked again once it answers), or set its address in the extension's options.");
  } else if (answer.state === "error") {
    title.textContent = "Phishing check failed";
    detail.textContent = answer.detail;
  } else {
    title.textContent = "Checking this e-mail for phishing...";
  }
  return [title, detail];
}

function showBanner(doc, answer) {
  removeBanner();
  if (answer.state === "legitimate") return;
  const host = doc.createElement("div");
  host.id = BANNER_ID;
  host.setAttribute("role", answer.state === "checking" ? "status" : "alert");
  host.style.cssText = "position: fixed; bottom: 12px; right: 12px; z-index: 2147483647;";
  const shadow = host.attachShadow({ mode: "closed" });
  const style = doc.createElement("style");
  style.textContent = BANNER_STYLE;
  const box = doc.createElement("div");
  box.className = `banner ${answer.state}`;
  const close = doc.createElement("button");
  close.textContent = "\u00d7";
  close.title = "Hide";
  close.addEventListener("click", removeBanner);
  box.append(close, ...bannerText(doc, answer));
  shadow.append(style, box);
  doc.body.append(host);
  bannerHost = host;
}
