"""The local scoring service: the detector's bundle behind a web server on 127.0.0.1.

It sits beside the model code of :mod:`tlutils.phishing` and only reads it (a saved bundle, the
demo e-mails); the model code never imports the service. ``server`` is the FastAPI app and its
command line (``python -m tlutils.phishing.service.server``), with ``score_request`` (what
``POST /score`` accepts), ``serving`` (its warmed-up models and pool of scoring threads),
``http_timeouts`` (its deadline for slow headers), ``demo`` and ``static/`` (the demo inbox it
serves); ``process`` runs it in the background and ``loadtest`` measures its latency and throughput.
"""
