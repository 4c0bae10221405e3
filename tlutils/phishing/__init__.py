"""The capstone: a phishing e-mail detector from text and screenshots.

Modules: ``data`` reads the course's synthetic e-mail set (``tlutils/course_data/phishing``, written by
``scripts/make_phishing_data.py``); ``server`` is the local scoring server
(``python -m tlutils.phishing.server``), with ``score_request`` (what ``POST /score`` accepts),
``demo`` (the demo inbox it serves), ``process`` (running it in the background) and ``loadtest``
(its latency and throughput).
"""
