"""Which HTML parser reads e-mail as a browser does, fast enough, on real and hostile input?

    python benchmarks/html_parsers.py      # html5lib and lxml are optional: pip install html5lib lxml

Parses the HTML part of every real e-mail the course ships (tlutils/course_data/phishing/real)
and crafted hostile inputs with: tlutils' reader (``html_reader.visible_text``: Lexbor through
selectolax, the WHATWG algorithm, plus the walk that collects visible text), selectolax's parse
alone, html5lib (the WHATWG algorithm in pure Python) and lxml.html (libxml2, which is not the
HTML5 algorithm: it drops text after ``<embed>``, below 256 levels, after 100,000 characters).
A parser that takes more than :data:`GIVE_UP` seconds on a crafted input is not tried on the
larger ones. Results (2026-12-07, 2 cores shared with five other jobs, load 10-17) are in the
commit message that last changed this file and in docs/phishing_reader.md.
"""
import sys
import time

from tlutils.phishing.data import CORPORA, load_emails
from tlutils.phishing.html_reader import visible_text

GIVE_UP = 5.0
PHISHING = "<p>Enter your password and credit card number.</p>"
CRAFTED = {"20,000 nested <div>s (100 KB)": "<div>" * 20_000 + PHISHING,
           "50,000 nested <div>s (250 KB)": "<div>" * 50_000 + PHISHING,  # a quadratic parser stops here
           "200,000 nested <div>s (1 MB)": "<div>" * 200_000 + PHISHING,
           "200,000 unmatched end tags (1.2 MB)": "</div>" * 200_000 + PHISHING,
           "a 2 MB comment": "<!--" + "-" * 2_000_000 + "-->" + PHISHING,
           "100,000 unclosed <a>s (1 MB)": "<a href=x>" * 100_000 + PHISHING,
           "1 MB of paragraphs": "<p>Issue #12 was updated by a maintainer.</p>" * 22_000 + PHISHING}


def parsers() -> dict:
    """The parsers installed here, by name."""
    from selectolax.lexbor import LexborHTMLParser

    found = {"tlutils html_reader (selectolax + walk)": visible_text,
             "selectolax (Lexbor) parse only": lambda markup: LexborHTMLParser(markup).root}
    try:
        import html5lib

        found["html5lib"] = lambda markup: html5lib.parse(markup, namespaceHTMLElements=False)
    except ImportError:
        print("html5lib is not installed: skipped")
    try:
        import lxml.html

        found["lxml.html (libxml2, not HTML5)"] = (
            lambda markup: markup.strip() and lxml.html.document_fromstring(markup.encode("utf-8", "replace")))
    except ImportError:
        print("lxml is not installed: skipped")
    return found


def main() -> None:
    pages = [e.html for split in CORPORA["real"] for e in load_emails(split, corpus="real") if e.html]
    print(f"{len(pages)} real HTML parts, {sum(map(len, pages)) / len(pages):,.0f} characters on average, "
          f"largest {max(map(len, pages)):,}")
    for name, parse in parsers().items():
        failures, start = 0, time.perf_counter()
        for page in pages:
            try:
                parse(page)
            except Exception:  # noqa: BLE001 (counted: which parser refuses real mail)
                failures += 1
        report = [f"{name}: {1000 * (time.perf_counter() - start) / len(pages):.1f} ms per real e-mail, {failures} refused"]
        for label, markup in CRAFTED.items():
            start = time.perf_counter()
            parse(markup)
            seconds = time.perf_counter() - start
            report.append(f"{label} {seconds:.2f} s")
            if seconds > GIVE_UP:
                report.append("larger inputs not tried")
                break
        print("; ".join(report), flush=True)


if __name__ == "__main__":
    sys.exit(main())
