"""The capstone: a phishing e-mail detector from text and screenshots (data so far).

Modules: ``data`` reads the course's synthetic e-mail set (``tlutils/course_data/phishing``, written by
``scripts/make_phishing_data.py``).
"""
