// The demo webmail: an inbox on the left, the open e-mail on the right.
// E-mail HTML goes into a sandboxed iframe's srcdoc (sandbox="" : no script, no form, no
// same-origin access), and the page's Content-Security-Policy, which the srcdoc inherits, blocks
// remote loads. Chromium still opens connections for some elements despite the CSP (a
// <link rel=preconnect>, an <iframe src>), so, as webmail does, those elements and remote
// src attributes are removed first (inertHtml). The plain-text part, when there is one, is shown
// below in a <pre>. Everything else is set with textContent, never parsed as HTML.
"use strict";

// Elements that fetch, connect or navigate by themselves, and attributes holding remote URLs.
const LOADING_ELEMENTS = "link, meta, base, iframe, frame, frameset, object, embed, script, video, audio, source, track, portal";
const URL_ATTRIBUTES = ["src", "srcset", "background", "poster", "data", "action", "formaction"];

// The e-mail's HTML without them, parsed in an inert document (DOMParser loads and runs nothing);
// HTML with none of them is returned unchanged, byte for byte.
function inertHtml(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  let changed = false;
  for (const node of doc.querySelectorAll(LOADING_ELEMENTS)) {
    node.remove();
    changed = true;
  }
  for (const node of doc.querySelectorAll(URL_ATTRIBUTES.map((name) => `[${name}]`).join(", "))) {
    for (const name of URL_ATTRIBUTES) {
      if (node.hasAttribute(name) && !node.getAttribute(name).trim().startsWith("data:")) {
        node.removeAttribute(name);
        changed = true;
      }
    }
  }
  return changed ? `<!doctype html>${doc.documentElement.outerHTML}` : html;
}

function senderLine(email) {
  return `${email.sender_name} <${email.sender_address}>`;
}

function inboxItem(email, open) {
  const item = document.createElement("li");
  item.className = "tl-inbox-item";
  item.dataset.emailId = email.id;
  item.tabIndex = 0;
  const sender = document.createElement("div");
  sender.className = "tl-inbox-sender";
  sender.textContent = email.sender_name;
  const subject = document.createElement("div");
  subject.className = "tl-inbox-subject";
  subject.textContent = email.subject;
  item.append(sender, subject);
  item.addEventListener("click", () => open(email));
  item.addEventListener("keydown", (event) => { if (event.key === "Enter") open(email); });
  return item;
}

function readingPane(email) {
  const pane = document.createElement("article");
  pane.id = "reading-pane";
  pane.dataset.emailId = email.id;
  const subject = document.createElement("h2");
  subject.className = "tl-subject";
  subject.textContent = email.subject;
  const from = document.createElement("p");
  from.className = "tl-from";
  from.textContent = senderLine(email);
  from.dataset.sender = senderLine(email);
  pane.append(subject, from);
  if (email.html) {
    const body = document.createElement("iframe");
    body.className = "tl-body";
    body.title = "E-mail body";
    body.setAttribute("sandbox", "");
    body.setAttribute("referrerpolicy", "no-referrer");
    body.srcdoc = inertHtml(email.html);
    pane.append(body);
  }
  if (email.text) pane.append(textPart(email.text, !email.html));
  return pane;
}

// The plain-text part: folded away under the HTML, or open when it is the only body.
function textPart(text, open) {
  const box = document.createElement("details");
  box.className = "tl-text-box";
  box.open = open;
  const summary = document.createElement("summary");
  summary.textContent = "Plain-text part";
  const pre = document.createElement("pre");
  pre.className = "tl-text-part";
  pre.textContent = text;
  box.append(summary, pre);
  return box;
}

function openEmail(email) {
  const column = document.getElementById("reading-column");
  column.replaceChildren(readingPane(email));
  for (const item of document.querySelectorAll(".tl-inbox-item")) {
    item.setAttribute("aria-current", String(item.dataset.emailId === email.id));
  }
  history.replaceState(null, "", `#${email.id}`);
}

async function showInbox() {
  const response = await fetch("/demo/emails");
  const emails = await response.json();
  const inbox = document.getElementById("inbox");
  inbox.replaceChildren(...emails.map((email) => inboxItem(email, openEmail)));
  const wanted = emails.find((email) => `#${email.id}` === location.hash);
  if (wanted) openEmail(wanted);
}

showInbox();
