"""The capstone's text model under other recipes, over seeds: quality and training seconds.

    TLUTILS_PROFILE=offline python benchmarks/phishing_text_recipe.py EPOCHS [SEED ...]

Trains ``tlutils.phishing.text_model.train_text_model`` with the recipe in
``tlutils.phishing.training.RECIPE`` except for the number of epochs, and prints, per seed, the
training seconds and the text model's F1 at 0.5 and PR-AUC on the validation, test and
realistic-rate test e-mails (scikit-learn, ``tlutils.phishing.evaluation.metrics``).
"""
import sys
import time

import tlutils
from tlutils.phishing.data import load_emails
from tlutils.phishing.evaluation import metrics
from tlutils.phishing.text_model import text_probabilities, train_text_model
from tlutils.phishing.training import RECIPE

epochs = int(sys.argv[1])
seeds = [int(s) for s in sys.argv[2:]] or [0, 1, 2]
cfg = tlutils.setup(verbose=False)
emails = {split: load_emails(split) for split in ("train", "validation", "test", "test_realistic")}
recipe = {**RECIPE["text"], "epochs": epochs}
for seed in seeds:
    start = time.perf_counter()
    tokenizer, model = train_text_model([e.subject_and_body for e in emails["train"]],
                                        [e.label for e in emails["train"]], cfg, seed=seed, **recipe)
    seconds = time.perf_counter() - start
    scores = {}
    for split in ("validation", "test", "test_realistic"):
        p = text_probabilities(tokenizer, model, [e.subject_and_body for e in emails[split]], recipe["max_length"])
        m = metrics([e.label for e in emails[split]], p)
        scores[split] = f"F1 {m['f1']:.3f} PR-AUC {m['pr_auc']:.3f} wrong {m['confusion'][0][1] + m['confusion'][1][0]}"
    print(f"epochs {epochs} seed {seed}: {seconds:.0f} s |", " | ".join(f"{k}: {v}" for k, v in scores.items()), flush=True)
