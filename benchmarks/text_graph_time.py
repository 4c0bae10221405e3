"""Seconds a MiniLM classifier's first ``fit`` spends building its training graph, and whether
the two shortcuts in ``tlutils.text`` change what training computes.

    TLUTILS_PROFILE=offline python benchmarks/text_graph_time.py baseline
    TLUTILS_PROFILE=offline python benchmarks/text_graph_time.py no-autograph
    TLUTILS_PROFILE=offline python benchmarks/text_graph_time.py no-autograph compile-once
    TLUTILS_PROFILE=offline python benchmarks/text_graph_time.py no-autograph compile-once fused-adam

Each run is a fresh process: 96 training sentences, 2 epochs of 6 batches, lesson 04's recipe.
(``fused-adam``, ``tlutils.text.warmup_adam``, was measured on the whole offline training set
with 3 epochs of 20 batches: fit 41.8 s -> 28.4 s, median step 0.47 s -> 0.30 s, first batch
11.0 s -> 5.5 s, logits within 1e-5 and the same predictions.) It prints the fit's seconds, the first batch's seconds (mostly building the graph) and the
history, and saves the trained model's logits to /tmp/text_graph_<variant>.npy so that runs can
be compared (identical logits: the shortcuts change the time, not the result).
"""
import sys, time
import numpy as np, tensorflow as tf, tf_keras
from transformers import create_optimizer
import tlutils

variant = sys.argv[1:] or ["baseline"]
cfg = tlutils.setup(verbose=False)
data = tlutils.text.load_sentiment(cfg)
tf_keras.utils.set_random_seed(42)
tokenizer, model = tlutils.text.load_bert("bert-base-uncased", task="classification", num_labels=2)
if "no-autograph" not in variant:
    model.call = model.call.__wrapped__  # undo load_bert's skip_autograph
encoded = tlutils.text.encode_texts(tokenizer, data.train.texts[:96], cfg.max_length)
ds = tlutils.text.padded_batches(encoded, data.train.labels[:96], batch_size=16, seed=1)
optimizer, _ = create_optimizer(init_lr=5e-5, num_train_steps=12, num_warmup_steps=1)
if "fused-adam" in variant:  # tlutils.text.warmup_adam: the same schedule in Keras' legacy Adam
    optimizer = tlutils.text.warmup_adam(5e-5, 12, 1)
if "compile-once" in variant:
    tlutils.text.compile_once(model, optimizer)
else:
    model.compile(optimizer=optimizer, metrics=["accuracy"])


class FirstBatch(tf_keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0 and not hasattr(self, "seconds"):
            self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if batch == 0 and not hasattr(self, "seconds"):
            self.seconds = time.perf_counter() - self.start


first = FirstBatch()
start = time.perf_counter()
history = model.fit(ds, epochs=2, verbose=0, callbacks=[first])
name = "_".join(variant)
print(f"{name}: fit {time.perf_counter() - start:.1f} s, first batch {first.seconds:.1f} s,",
      {k: np.round(v, 5).tolist() for k, v in history.history.items()})
np.save(f"/tmp/text_graph_{name}.npy", tlutils.text.predict_logits(model, encoded))
