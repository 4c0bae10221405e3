// Where the open e-mail is on each supported page: subject, sender and HTML body, or null when
// no e-mail is open. The demo webmail's markup is the course's own and stable; Gmail's and
// Outlook on the web's selectors were read from their pages by hand and WILL break when those
// sites change their markup (best effort, see README.md).
"use strict";

function textOf(root, selector) {
  const node = root.querySelector(selector);
  return node ? node.textContent.trim() : "";
}

// The course's demo webmail (GET /demo on the scoring server): the HTML part in a sandboxed
// iframe's srcdoc, the plain-text part (when the e-mail has one) in pre.tl-text-part; both are
// sent when both are there (the detector's text model reads the plain text).
function readDemoEmail(doc) {
  const pane = doc.querySelector("#reading-pane[data-email-id]");
  const body = pane && pane.querySelector("iframe.tl-body");
  const textPart = pane && pane.querySelector("pre.tl-text-part");
  if (!pane || (!body && !textPart)) return null;
  const email = {
    subject: textOf(pane, ".tl-subject"),
    sender: pane.querySelector(".tl-from").dataset.sender || textOf(pane, ".tl-from"),
  };
  if (body) email.html = body.getAttribute("srcdoc") || "";
  if (textPart) email.text = textPart.textContent;
  return { key: pane.dataset.emailId, email };
}

// Gmail: subject h2.hP, sender span.gD[email], body div.a3s of the last expanded message.
function readGmailEmail(doc) {
  const subject = textOf(doc, "h2.hP");
  const bodies = doc.querySelectorAll("div.a3s");
  const senders = doc.querySelectorAll("span.gD[email]");
  if (!subject || !bodies.length || !senders.length) return null;
  const from = senders[senders.length - 1];
  const html = bodies[bodies.length - 1].innerHTML;
  return {
    key: `${subject}|${from.getAttribute("email")}|${html.length}`,
    email: { subject, sender: `${from.textContent.trim()} <${from.getAttribute("email")}>`, html },
  };
}

// Outlook on the web: the reading pane in [role=main]; body div[aria-label="Message body"].
function readOutlookEmail(doc) {
  const main = doc.querySelector('[role="main"]');
  const body = main && main.querySelector('div[aria-label="Message body"]');
  if (!body) return null;
  const subject = textOf(main, '[role="heading"][aria-level="2"]');
  const from = main.querySelector('span[title*="@"]');
  const sender = from ? `${from.textContent.trim()} <${from.getAttribute("title")}>` : "";
  return { key: `${subject}|${sender}|${body.innerHTML.length}`, email: { subject, sender, html: body.innerHTML } };
}

function readOpenEmail(doc, host) {
  if (host === "mail.google.com") return readGmailEmail(doc);
  if (host.startsWith("outlook.")) return readOutlookEmail(doc);
  return readDemoEmail(doc);
}
