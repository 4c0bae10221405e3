// The demo webmail: an inbox on the left, the open e-mail on the right.
// E-mail HTML goes into a sandboxed iframe's srcdoc (sandbox="" : no script, no form, no
// same-origin access), and the page's Content-Security-Policy, which the srcdoc inherits, lets
// nothing remote load. Everything else is set with textContent, never parsed as HTML.
"use strict";

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
  const body = document.createElement("iframe");
  body.className = "tl-body";
  body.title = "E-mail body";
  body.setAttribute("sandbox", "");
  body.setAttribute("referrerpolicy", "no-referrer");
  body.srcdoc = email.html;
  pane.append(subject, from, body);
  return pane;
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
