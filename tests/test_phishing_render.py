"""The capstone's renderer: the same pixels every time, nothing run or fetched, huge input read whole."""
import time
import urllib.request

import numpy as np
import pytest

from tlutils.phishing import cues, render
from tlutils.phishing.data import load_emails


def draw(e, html=None):
    return render.render_email(sender=f"{e.sender_name} <{e.sender_address}>", subject=e.subject,
                               html=e.html if html is None else html)


def test_two_renders_are_identical_and_different_emails_differ():
    a, b = load_emails("test")[:2]
    assert draw(a).tobytes() == draw(a).tobytes()
    assert draw(a).tobytes() != draw(b).tobytes()
    assert draw(a).size == (render.SIZE, render.SIZE)


def test_banner_colour_and_button_are_drawn():
    e = load_emails("train")[0]
    pixels = np.asarray(draw(e))
    colour = render.parse_colour(e.html.split("background:")[1].split(";")[0])
    assert (pixels == colour).all(axis=2).sum() > 5_000  # the brand banner, in the brand's colour
    assert (pixels == (26, 115, 232)).all(axis=2).sum() > 1_000  # the button


def test_scripts_remote_images_and_frames_neither_run_nor_load(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the renderer tried to fetch something")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    e = load_emails("test")[0]
    hostile = e.html.replace("<body>", "<body><script>document.body.innerHTML='<h1>pwned</h1>'</script>"
                             "<img src='http://evil.example/pixel.png' onerror='alert(1)'>"
                             "<iframe src='https://evil.example/frame'>frame text</iframe>"
                             "<style>body{background:url(http://evil.example/bg.png)}</style>"
                             "<div style='background:url(http://evil.example/x.png)'></div>")
    assert draw(e, hostile).tobytes() == draw(e).tobytes()
    assert "pwned" not in render.visible_text(hostile) and "frame text" not in render.visible_text(hostile)


def test_huge_input_is_read_whole_and_drawn_fast():
    e = load_emails("test")[0]
    huge = "<html><body>" + "<p>" + "word " * 200_000 + "</p>" * 3 + "<p>x</p>" * 50_000 + "<p>end</p></body></html>"
    start = time.perf_counter()
    image = draw(e, huge)
    assert time.perf_counter() - start < 8  # 1.6 s with load 9 on 2 cores (the text is read whole)
    assert image.size == (render.SIZE, render.SIZE)
    blocks = render.parse_email_html(huge)
    assert len(blocks[0].text) == len("word " * 200_000) - 1 and blocks[-1].text == "end"


def test_broken_or_empty_html_still_renders():
    e = load_emails("test")[0]
    for html in ["", "<p>unclosed <b>bold", "</div></div><p>stray closers</p>", "<<<>>>&&&;"]:
        assert draw(e, html).size == (render.SIZE, render.SIZE)


@pytest.mark.parametrize("split", ["train", "test"])
def test_mismatched_links_are_found_only_in_phishing(split):
    for e in load_emails(split):
        if not e.label:
            assert cues.link_mismatches(e.html) == []
    found = [e for e in load_emails(split) if e.label and cues.link_mismatches(e.html)]
    assert found, "some phishing e-mails show one address and link to another"


# Read as a browser does (the HTML5 parsing algorithm): what the hand-written html.parser code lost.

@pytest.mark.parametrize("markup, shown", [
    ("<html><head><meta charset='utf-8'><p>Big sale today</p>", "Big sale today"),  # unclosed <head>
    ("<title>Shop<p>Your order shipped</p>", "Your order shipped"),  # unclosed <title>
    ("<picture><source srcset='x.webp'><img src='x.png'><p>Verify your account</p>", "Verify your account"),
    ("<object data='x.swf'><p>Verify your account</p>", "Verify your account"),
    ("<select><option>Bank</option><p>Verify your account</p>", "Verify your account"),
    ("<form action='http://evil.example'><p>Enter your password</p>", "Enter your password"),
    ("<p>a</p>" + "</div>" * 10_000 + "<p>Still here</p>", "Still here"),  # stray end tags
])
def test_unclosed_or_stray_tags_hide_nothing(markup, shown):
    assert shown in render.visible_text(markup)


def test_form_controls_are_read_and_hidden_text_is_not():
    text = render.visible_text("<form><label>Password</label><input type='password' placeholder='Your password'>"
                               "<input type='submit' value='Sign in'><button>Cancel</button></form>"
                               "<div style='display: none'>hidden filler</div><span style='font-size:0px'>zero</span>"
                               "<p hidden>gone</p><p>shown</p>")
    assert text.split("\n\n") == ["Password", "Your password", "Sign in", "Cancel", "shown"]
    blocks = render.parse_email_html("<form><input type='submit' value='Sign in'></form>")
    assert [(b.kind, b.text) for b in blocks] == [("button", "Sign in")]


def test_crafted_markup_is_fast():
    render.render_email(sender="a@b.example", subject="x", html="<p>warm</p>")  # loads the fonts (about 1.5 s)
    for crafted in ("</div>" * 20_000, "<div>" * 20_000 + "deep", "<a href=x>" * 10_000 + "x", "<table>" * 10_000):
        start = time.perf_counter()
        render.visible_text(crafted)
        render.render_email(sender="a@b.example", subject="x", html=crafted)
        assert time.perf_counter() - start < 3  # 0.1-0.3 s each with load 15 on 2 cores
