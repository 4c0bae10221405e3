"""Which HTML parser reads e-mail as a browser does, fast enough, on real and crafted input?

    python benchmarks/html_parsers.py      # needs: pip install html5lib (lxml is a course dependency)

Parses the HTML part of every real e-mail the course ships (tlutils/course_data/phishing/real)
and four crafted inputs with the standard library's html.parser (its tokenizer alone: the
hand-written tag handling render.py used to add on top took 172 s on a crafted 100 KB e-mail of
unmatched end tags, DESIGN.md 2026-12-06), html5lib (the WHATWG algorithm in pure Python) and
lxml.html (libxml2). Measured 2026-12-06 on 2 cores shared with other work (load about 9), 424
real HTML parts of 14,867 characters on average: html.parser 6.1 ms per e-mail; lxml 1.0 ms and
at most 0.02 s on each crafted input; html5lib 38.7 ms, one real e-mail refused, and 104 s on
20,000 nested ``<div>``s. (html5-parser, gumbo in C, would not load: it and lxml's wheel are
built against different libxml2 versions.) lxml was chosen: fast on everything, and libxml2
recovers from broken markup the way browsers do (tests/test_phishing_render.py checks the cases
the old code got wrong).
"""
import html.parser
import time

import lxml.html

from tlutils.phishing.data import CORPORA, load_emails

CRAFTED = {"100 KB of unmatched end tags": "<p>hi</p>" + "</div>" * 16_000 + "<p>end</p>",
           "20,000 nested <div>s": "<div>" * 20_000 + "x", "10,000 open <a>s": "<a href=x>" * 10_000 + "x",
           "10,000 open <table>s": "<table>" * 10_000 + "x"}


def with_html_parser(markup: str) -> None:
    parser = html.parser.HTMLParser(convert_charrefs=True)
    parser.feed(markup)
    parser.close()


def with_lxml(markup: str) -> None:
    if markup.strip():
        lxml.html.document_fromstring(markup.encode("utf-8", "replace"))


PARSERS = {"html.parser": with_html_parser, "lxml.html": with_lxml}
try:
    import html5lib

    PARSERS["html5lib"] = lambda markup: html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False)
except ImportError:
    print("html5lib is not installed: skipped")

pages = [e.html[:100_000] for split in CORPORA["real"] for e in load_emails(split, corpus="real") if e.html]
print(f"{len(pages)} real HTML parts, {sum(map(len, pages)) / len(pages):,.0f} characters on average")
for name, parse in PARSERS.items():
    failures, start = 0, time.perf_counter()
    for page in pages:
        try:
            parse(page)
        except Exception:  # noqa: BLE001 (counted: which parser refuses real mail)
            failures += 1
    report = [f"{name}: {1000 * (time.perf_counter() - start) / len(pages):.1f} ms per e-mail, {failures} refused"]
    for label, markup in CRAFTED.items():
        start = time.perf_counter()
        parse(markup)
        report.append(f"{label} {time.perf_counter() - start:.2f} s")
    print("; ".join(report), flush=True)
