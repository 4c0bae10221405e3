"""Lesson 05, mistake 5, over seeds: a random head trained with the base, or the head first.

    TLUTILS_PROFILE=offline python benchmarks/head_first_seeds.py 42 1 2   # seeds (default: these)

Per seed, the lesson's procedure with tlutils' functions: "together" is a fresh classifier with
every layer trained with lesson 04's recipe (5e-5, its epochs); "head first" trains the head on
the frozen encoder at 3e-3, then every layer at 5e-5 for the same epochs. Each classifier starts
with keras.utils.set_random_seed(seed) and its batches are shuffled with the same seed. Stores test
accuracy, drift (1 - cosine similarity of the test sentences' vectors to the pretrained ones) and
the paired-bootstrap interval of the accuracy difference in tlutils/course_data/seeds/head_first.json.
"""
import os, sys, time
import numpy as np, keras
import tlutils
from tlutils import seed_runs

cfg = tlutils.setup(verbose=False)
seeds = [int(s) for s in sys.argv[1:]] or [42, 1, 2]
began, load = time.perf_counter(), os.getloadavg()[0]
data = tlutils.text.load_sentiment(cfg)
tokenizer, pretrained = tlutils.text.load_bert("bert-base-uncased")
encoded = {name: tlutils.text.encode_texts(tokenizer, getattr(data, name).texts, cfg.max_length)
           for name in ("train", "test")}
labels = {name: getattr(data, name).labels for name in encoded}
recipe = tlutils.text.fine_tuning_recipe(cfg)


def unit_vectors(backbone):
    """The test sentences' mean-pooled vectors, unit length (the lesson's sentence_vectors)."""
    vectors = tlutils.text.sentence_vectors(backbone, encoded["test"])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


reference = unit_vectors(pretrained)


def classifier(seed):
    """A pretrained encoder with a fresh head, seeded (the lesson's new_classifier)."""
    keras.utils.set_random_seed(seed)
    return tlutils.text.load_bert("bert-base-uncased", task="classification", num_labels=2)[1]


def train(model, learning_rate, seed):
    """Lesson 04's recipe for the lesson's epochs (the lesson's train)."""
    tlutils.text.fit_classifier(model, (encoded["train"], labels["train"]), learning_rate,
                                recipe["epochs"], seed=seed, verbose=0)


def measured(model):
    """Test predictions and mean drift of a trained classifier."""
    drift = 1 - np.sum(unit_vectors(model.backbone) * reference, axis=1)
    return tlutils.text.predict_labels(model, encoded["test"]), float(drift.mean())


per_seed = []
for seed in seeds:
    start = time.perf_counter()
    together = classifier(seed)
    train(together, recipe["learning_rate"], seed)
    together_predicted, together_drift = measured(together)
    head = classifier(seed)
    head.backbone.trainable = False
    train(head, 3e-3, seed)
    head_first = classifier(seed)
    head_first.set_weights(head.get_weights())
    train(head_first, 5e-5, seed)
    first_predicted, first_drift = measured(head_first)
    gain = tlutils.bootstrap.difference(labels["test"], first_predicted, together_predicted, seed=seed)
    record = {"seed": seed,
              "together accuracy": float(np.mean(together_predicted == labels["test"])),
              "head first accuracy": float(np.mean(first_predicted == labels["test"])),
              "accuracy gain": gain.value, "gain low": gain.low, "gain high": gain.high,
              "together drift": together_drift, "head first drift": first_drift,
              "drift gap": together_drift - first_drift, "seconds": round(time.perf_counter() - start, 1)}
    per_seed.append(record)
    print(record, flush=True)

origin = seed_runs.provenance(cfg, [tlutils.text.encoders.source_name("bert-base-uncased", cfg)],
                              f"SST-2 subset: {len(labels['train'])} training sentences, {len(labels['test'])} test "
                              "(GLUE dev) sentences", time.perf_counter() - began, load)
path = seed_runs.store("head_first", " ".join(__doc__.split("\n\n")[2].split()), per_seed,
                       ["together accuracy", "head first accuracy", "accuracy gain", "together drift",
                        "head first drift", "drift gap"], origin)
print("stored", path)
