"""Write the capstone's synthetic phishing e-mail set: tlutils/course_data/phishing/{train,validation,test,test_realistic}.jsonl.

No public phishing corpus is reachable from the course's machines, so this script builds one from
templates. Each e-mail has a sender name and address, a subject, a plain-text body, an HTML body
(whose links may show one address and point to another), a brand, a template id and a label
(1 phishing, 0 legitimate). The brands are invented; their genuine domains end in ``.example``.

Phishing templates carry the usual cues: look-alike sender domains, links whose text and target
differ, urgency, requests for passwords or card details. Legitimate templates include hard
negatives from the same brands: genuine security alerts, receipts and password resets.

The split is by template: validation and test e-mails come from templates never seen in training,
so the scores measure how far a model generalises to new wording, not how well it remembers a
template. ``test_realistic`` holds a few percent phishing (from the test templates) so precision
means what it would in an inbox. Deterministic: re-running it rewrites identical files.

Run: python scripts/make_phishing_data.py
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tlutils" / "course_data" / "phishing"
SEED = 2026
# e-mails per split and label (legitimate, phishing)
SIZES = {"train": (80, 80), "validation": (24, 24), "test": (32, 32), "test_realistic": (242, 8)}


@dataclass(frozen=True)
class Brand:
    """An invented company: its name, genuine domain, look-alike domains and colour."""

    name: str
    domain: str
    lookalikes: tuple[str, ...]
    color: str
    product: str


BRANDS = [
    Brand("Northwind Bank", "northwindbank.example", ("northwind-bank-secure.example", "n0rthwindbank.example", "northwindbank.example.verify-id.example"), "#1b4f8a", "online banking"),
    Brand("Parcelo", "parcelo.example", ("parcelo-delivery.example", "parce1o.example", "parcelo.track-now.example"), "#e07b00", "deliveries"),
    Brand("Streamly", "streamly.example", ("streamly-billing.example", "strearnly.example", "streamly.account-help.example"), "#b0103a", "streaming"),
    Brand("Cloudbox", "cloudbox.example", ("cloudbox-storage.example", "c1oudbox.example", "cloudbox.docs-share.example"), "#2a7de1", "cloud storage"),
    Brand("Shopwise", "shopwise.example", ("shopwise-orders.example", "shopw1se.example", "shopwise.refund-desk.example"), "#2e8b57", "shopping"),
    Brand("Payflow", "payflow.example", ("payflow-secure.example", "payf1ow.example", "payflow.resolution-center.example"), "#5b3cc4", "payments"),
]
FIRST = ["Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Mia", "Noah", "Olga", "Pavel"]
LAST = ["Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen", "Kowalski", "Lopez", "Meyer"]
CITIES = ["Lisbon", "Oslo", "Lyon", "Krakow", "Porto", "Leeds", "Bremen", "Turin"]
DEVICES = ["Chrome on Windows", "Safari on iPhone", "Firefox on Linux", "the Android app", "Edge on Windows"]

# A template: id, label, subject choices, body paragraphs (each a list of alternatives), a link
# (text, path) and how the link is shown. Placeholders: {first} {brand} {product} {amount}
# {order} {city} {device} {date} {hours} {link_text}.
LEGIT, PHISH = 0, 1
TEMPLATES = [
    # --- legitimate, including hard negatives (alerts, receipts, resets from the same brands)
    dict(id="L01-signin-alert", label=LEGIT, subject=["New sign-in to your {brand} account", "{brand}: new sign-in from {device}"],
         body=[["Hi {first},", "Hello {first},"],
               ["We noticed a new sign-in to your {brand} account from {device} near {city} on {date}."],
               ["If this was you, you don't need to do anything.", "If it was you, no action is needed."],
               ["If you don't recognise it, open the {brand} app or type {domain} into your browser and review your devices. We will never ask for your password by e-mail."]],
         link=("Review activity", "/security")),
    dict(id="L02-receipt", label=LEGIT, subject=["Your {brand} receipt for order {order}", "Receipt: order {order}"],
         body=[["Hi {first},"], ["Thanks for your order {order}. We charged {amount} to the card on file on {date}."],
               ["You can see your order history any time in your account.", "Your receipt is also saved in your account."],
               ["Questions? Reply to this e-mail or visit our help centre."]],
         link=("View order", "/orders")),
    dict(id="L03-password-reset", label=LEGIT, subject=["Reset your {brand} password", "{brand} password reset requested"],
         body=[["Hi {first},"], ["Someone asked to reset the password for your {brand} account on {date}."],
               ["If that was you, use the link below within the next hour. If not, ignore this e-mail; your password stays the same."],
               ["{brand} staff will never ask you for your password."]],
         link=("Choose a new password", "/reset")),
    dict(id="L04-newsletter", label=LEGIT, subject=["What's new at {brand} this month", "{brand} news for {first}"],
         body=[["Hi {first},"], ["This month we made {product} faster and added a dark mode.", "We have improved {product} with a few features you asked for."],
               ["Read the full notes on our blog.", "The details are on our blog."],
               ["You receive this because you subscribed. Unsubscribe in your settings."]],
         link=("Read the blog", "/blog")),
    dict(id="L05-shipping", label=LEGIT, subject=["Your {brand} order {order} has shipped", "Order {order} is on its way"],
         body=[["Hi {first},"], ["Good news: order {order} left our warehouse on {date}."],
               ["It should arrive in two to four working days.", "Expect it within a few working days."],
               ["Track it from your account page."]],
         link=("Track your parcel", "/track")),
    dict(id="L06-statement", label=LEGIT, subject=["Your {brand} statement is ready", "{brand}: monthly statement available"],
         body=[["Hi {first},"], ["Your statement for last month is ready. Total activity: {amount}."],
               ["Sign in to your account as usual to read it.", "It is waiting in your account."],
               ["We send this e-mail once a month."]],
         link=("See statement", "/statements")),
    dict(id="L07-card-expiring", label=LEGIT, subject=["The card on your {brand} account expires soon"],
         body=[["Hi {first},"], ["The card you use for {product} expires at the end of next month."],
               ["When you get your new card, update it in your account settings. There is no rush."],
               ["If you have already done so, please ignore this reminder."]],
         link=("Account settings", "/settings")),
    dict(id="L08-two-factor", label=LEGIT, subject=["Two-step verification is now on", "{brand}: you turned on two-step verification"],
         body=[["Hi {first},"], ["You turned on two-step verification for your {brand} account on {date}."],
               ["From now on we will ask for a code when you sign in on a new device."],
               ["If you didn't make this change, contact our support team from the app."]],
         link=("Security settings", "/security")),
    dict(id="L09-refund", label=LEGIT, subject=["Your refund of {amount} is on its way", "{brand} refund for order {order}"],
         body=[["Hi {first},"], ["We have refunded {amount} for order {order}."],
               ["It can take three to five working days to appear on your statement."],
               ["No action is needed from you."]],
         link=("Order details", "/orders")),
    dict(id="L10-terms", label=LEGIT, subject=["We are updating our terms", "Changes to the {brand} terms of service"],
         body=[["Hi {first},"], ["On {date} our terms of service change to explain how {product} works with shared accounts."],
               ["You don't need to do anything; continuing to use {brand} means you accept them."],
               ["You can read the new terms on our website."]],
         link=("Read the terms", "/terms")),
    dict(id="L11-login-code", label=LEGIT, subject=["Your {brand} sign-in code", "{brand} verification code"],
         body=[["Hi {first},"], ["Your sign-in code is {code}. It expires in ten minutes."],
               ["Don't share this code with anyone. {brand} will never call you to ask for it."],
               ["If you didn't try to sign in, you can ignore this e-mail."]],
         link=("Help centre", "/help")),
    dict(id="L12-invoice", label=LEGIT, subject=["Invoice {order} from {brand}", "{brand} invoice {order} paid"],
         body=[["Hi {first},"], ["Invoice {order} for {amount} was paid automatically on {date}."],
               ["A PDF copy is available in your billing history."],
               ["Thank you for using {product}."]],
         link=("Billing history", "/billing")),
    # --- phishing
    dict(id="P01-suspended", label=PHISH, subject=["Your {brand} account has been suspended", "URGENT: {brand} account suspended"],
         body=[["Dear Customer,", "Dear {brand} user,"], ["We detected unusual activity and your account has been temporarily suspended."],
               ["To restore access you must verify your identity within {hours} hours or your account will be permanently closed."],
               ["Click the link below and confirm your login details."]],
         link=("Restore access", "/restore"), fake=True),
    dict(id="P02-payment-failed", label=PHISH, subject=["Payment declined - update your details", "{brand}: your payment failed"],
         body=[["Dear Customer,"], ["Your last payment of {amount} was declined and your {product} will be cancelled today."],
               ["Update your card number, expiry date and security code now to avoid interruption."],
               ["Failure to update will result in immediate termination."]],
         link=("Update payment", "/billing"), fake=True),
    dict(id="P03-verify-identity", label=PHISH, subject=["Action required: verify your identity", "{brand} security check required"],
         body=[["Dear valued customer,"], ["As part of our security upgrade all users must re-confirm their account."],
               ["Please enter your username, password and date of birth on the secure page within {hours} hours."],
               ["Accounts not verified will be locked."]],
         link=("Verify now", "/verify"), fake=True),
    dict(id="P04-parcel-fee", label=PHISH, subject=["Your parcel is on hold", "Delivery attempt failed - fee unpaid"],
         body=[["Dear Customer,"], ["Your package could not be delivered because a customs fee of {amount} is unpaid."],
               ["Pay the fee within {hours} hours or the parcel will be returned to sender."],
               ["Enter your card details on the delivery page to reschedule."]],
         link=("Pay fee and reschedule", "/track"), fake=True),
    dict(id="P05-unusual-signin", label=PHISH, subject=["Unusual sign-in attempt blocked", "Someone has your {brand} password"],
         body=[["Dear user,"], ["We blocked a sign-in attempt from {city}. Your account is at risk."],
               ["Secure your account immediately by confirming your current password below."],
               ["If you do not act within {hours} hours we cannot protect your funds."]],
         link=("Secure my account", "/security"), fake=True),
    dict(id="P06-refund-claim", label=PHISH, subject=["You are eligible for a refund of {amount}", "Refund pending: claim {amount}"],
         body=[["Dear Customer,"], ["After a billing review you are owed {amount}."],
               ["To receive the refund, submit your full card number and security code on our refund form today."],
               ["Unclaimed refunds expire in {hours} hours."]],
         link=("Claim refund", "/refund"), fake=True),
    dict(id="P07-shared-document", label=PHISH, subject=["A document has been shared with you", "{first} shared 'Invoice_{order}.pdf' with you"],
         body=[["Hello,"], ["A confidential document was shared with you through {brand}."],
               ["Sign in with your e-mail password to view it. The link expires in {hours} hours."],
               ["Do not forward this message."]],
         link=("Open document", "/docs"), fake=True),
    dict(id="P08-mailbox-full", label=PHISH, subject=["Your storage is full - messages will be deleted", "Final notice: storage limit reached"],
         body=[["Dear account holder,"], ["Your {brand} storage is full and new files will be deleted."],
               ["Log in now and confirm your password to upgrade for free before your data is lost."],
               ["This is your final notice."]],
         link=("Upgrade now", "/upgrade"), fake=True),
    dict(id="P09-tax-hold", label=PHISH, subject=["Your {brand} account is on hold", "Important: confirm your billing information"],
         body=[["Dear Customer,"], ["We were unable to validate your billing information, so your account is on hold."],
               ["Re-enter your payment details and online banking password to release it immediately."],
               ["Ignoring this message will lead to suspension and a late fee of {amount}."]],
         link=("Release my account", "/billing"), fake=True),
    dict(id="P10-prize", label=PHISH, subject=["Congratulations! You have been selected", "{brand} loyalty reward: {amount} waiting"],
         body=[["Dear lucky customer,"], ["You have been selected to receive a {amount} reward for your loyalty."],
               ["Confirm your account and card details now; the offer ends in {hours} hours."],
               ["Only a few rewards remain, act fast."]],
         link=("Claim my reward", "/reward"), fake=True),
    dict(id="P11-security-update", label=PHISH, subject=["Mandatory security update for your account", "{brand}: update required today"],
         body=[["Dear Client,"], ["Due to new regulations every account must complete a mandatory update today."],
               ["Provide your login, password and the code we send by SMS on the update page."],
               ["Accounts that are not updated within {hours} hours will be frozen."]],
         link=("Start update", "/update"), fake=True),
    dict(id="P12-invoice-overdue", label=PHISH, subject=["Overdue invoice {order} - pay immediately", "Final reminder: invoice {order} unpaid"],
         body=[["Dear Sir or Madam,"], ["Invoice {order} for {amount} is overdue."],
               ["Pay immediately with your card on our payment portal to avoid legal action."],
               ["Your service will be stopped within {hours} hours."]],
         link=("Pay invoice", "/pay"), fake=True),
]
# Templates per split (never shared): the test templates are unseen in training and validation.
SPLIT_TEMPLATES = {
    "train": {"L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08", "P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"},
    "validation": {"L09", "L10", "P09", "P10"},
    "test": {"L11", "L12", "P11", "P12"},
}
SPLIT_TEMPLATES["test_realistic"] = SPLIT_TEMPLATES["test"]


def fill(rng: random.Random, brand: Brand, first: str) -> dict[str, str]:
    """Random values for a template's placeholders."""
    return dict(
        first=first, brand=brand.name, product=brand.product, domain=brand.domain,
        amount=f"€{rng.randint(5, 480)}.{rng.randint(0, 99):02d}", order=f"#{rng.randint(100000, 999999)}",
        city=rng.choice(CITIES), device=rng.choice(DEVICES), hours=str(rng.choice([12, 24, 48, 72])),
        date=f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'May', 'June'])}", code=f"{rng.randint(0, 999999):06d}",
    )


FOOTERS = ["{brand} · Customer service", "{brand} · Please do not reply to this e-mail", "Sent by {brand}", "© {brand}. All rights reserved."]
NOTICES = {  # a coloured box above the text: phishing shouts, genuine alerts inform
    PHISH: [("#fff3cd", "#8a0000", "Immediate action required"), ("#fde2e1", "#a00000", "Final warning")],
    LEGIT: [("#e8f0fe", "#1b4f8a", "Security notice"), ("#eef7ee", "#2e6b2e", "Account information")],
}


def html_body(brand: Brand, paragraphs: list[str], link_text: str, href: str, path: str, label: int, rng: random.Random) -> str:
    """The e-mail's HTML, in the small subset the course renderer draws (div, h1, p, a, b, hr).

    Half of the links show an address instead of words; a phishing link then shows the brand's
    genuine address while it points to a look-alike domain.
    """
    header = f'<div style="background:{brand.color};color:#ffffff"><h1>{brand.name}</h1></div>'
    notice = ""
    if rng.random() < (0.6 if label == PHISH else 0.3):
        background, color, words = rng.choice(NOTICES[label])
        notice = f'<div style="background:{background};color:{color}"><p><b>{words}</b></p></div>'
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    shown = link_text if rng.random() < 0.5 else f"https://www.{brand.domain}{path}"
    button = f'<p><a href="{href}" class="button">{shown}</a></p>'
    footer = f'<hr><p class="small">{rng.choice(FOOTERS).format(brand=brand.name)}</p>'
    return f"<html><body>{header}{notice}{paras}{button}{footer}</body></html>"


def email(rng: random.Random, template: dict, brand: Brand) -> dict:
    """One e-mail from ``template`` for ``brand``: all fields and the label."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    values = fill(rng, brand, first)
    phish = template["label"] == PHISH
    paragraphs = [rng.choice(alts).format(**values) for alts in template["body"]]
    link_text, path = template["link"]
    if phish:
        fake = rng.choice(brand.lookalikes)
        href = f"http://{fake}{path}?id={rng.randint(1000, 9999)}"
        sender = f"{rng.choice(['security', 'support', 'service', 'no-reply', 'billing'])}@{rng.choice(brand.lookalikes)}"
    else:
        href = f"https://www.{brand.domain}{path}"
        sender = f"{rng.choice(['no-reply', 'notifications', 'hello', 'account'])}@{brand.domain}"
    text_link = href if not phish or rng.random() < 0.5 else f"https://www.{brand.domain}{path}"
    return dict(
        template=template["id"], brand=brand.name, label=template["label"],
        sender_name=brand.name if rng.random() < 0.8 else f"{brand.name} {rng.choice(['Support', 'Team', 'Service'])}",
        sender_address=sender, subject=rng.choice(template["subject"]).format(**values),
        text="\n\n".join(paragraphs + [f"{link_text}: {text_link}"]),
        html=html_body(brand, paragraphs, link_text, href, path, template["label"], rng),
        recipient=f"{first} {last}",
    )


def make_split(rng: random.Random, split: str, taken: set[str]) -> list[dict]:
    """The e-mails of ``split``: its sizes per label from its own templates, no duplicates."""
    rows = []
    for label, count in enumerate(SIZES[split]):
        templates = [t for t in TEMPLATES if t["label"] == label and t["id"][:3] in SPLIT_TEMPLATES[split]]
        while sum(r["label"] == label for r in rows) < count:
            row = email(rng, rng.choice(templates), rng.choice(BRANDS))
            key = row["subject"] + row["text"]
            if key not in taken:
                taken.add(key)
                rows.append(row)
    rng.shuffle(rows)
    return [dict(id=f"{split}-{i:04d}", **row) for i, row in enumerate(rows)]


def main() -> None:
    """Write every split as JSON lines (one e-mail per line, keys sorted)."""
    rng = random.Random(SEED)
    taken: set[str] = set()
    OUT.mkdir(parents=True, exist_ok=True)
    for split in SIZES:
        rows = make_split(rng, split, taken)
        with open(OUT / f"{split}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{split}: {len(rows)} e-mails, {sum(r['label'] for r in rows)} phishing")


if __name__ == "__main__":
    main()
