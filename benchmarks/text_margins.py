"""Margins of lessons 04 and 05's text claims over seeds (offline profile, packaged MiniLM).

    TLUTILS_PROFILE=offline python benchmarks/text_margins.py 04   # fine-tuning vs scratch, 3 epochs each
    TLUTILS_PROFILE=offline python benchmarks/text_margins.py 05   # 2e-3 for 1 epoch (lesson 05's mistake 1)
    TLUTILS_PROFILE=offline python benchmarks/text_margins.py 05-lesson 2   # lesson 05's procedure, 2 epochs

Per seed (42, 1, 2): validation and test accuracy, encoder drift, seconds and seconds per
epoch. Lesson 04's check "pretrained + fine-tuned beats random weights by 0.10" and lesson
05's "2e-3 destroys what 5e-5 keeps" take their margins from these runs. Batches here are padded
to max_length (the lessons now pad per batch; the attention mask makes the two nearly equal).
"""
import json, sys, time
import numpy as np, keras
import tf_keras
import tlutils
cfg = tlutils.setup(verbose=False)
T = tlutils.text
data = T.load_sentiment(cfg)
tokenizer, encoder = T.load_bert("bert-base-uncased")
enc = {n: T.encode_texts(tokenizer, getattr(data, n).texts, cfg.max_length) for n in ("train", "validation", "test")}
lab = {n: getattr(data, n).labels for n in enc}

def vectors(bert):
    h = bert(enc["test"]).last_hidden_state.numpy()
    v = T.mean_pool(h, enc["test"]["attention_mask"]); return v / np.linalg.norm(v, axis=1, keepdims=True)
ref = vectors(encoder.bert)

class EpochTimes(tf_keras.callbacks.Callback):
    def on_epoch_begin(self, e, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, e, logs=None): self.times.append(round(time.perf_counter() - self.t, 1))

def run(seed, pretrained, lr, epochs, validation=True):
    keras.utils.set_random_seed(seed)
    _, m = T.load_bert("bert-base-uncased", task="classification", num_labels=2, pretrained=pretrained)
    cb = EpochTimes(); cb.times = []
    start = time.perf_counter()
    import tensorflow as tf
    ds = tf.data.Dataset.from_tensor_slices((enc["train"], lab["train"])).shuffle(len(lab["train"]), seed=seed).batch(16)
    steps = epochs * len(ds)
    T.compile_once(m, T.warmup_adam(lr, steps, steps // 10))  # lessons 04 and 05's optimizer
    m.fit(ds, validation_data=(enc["validation"], lab["validation"]) if validation else None, epochs=epochs, verbose=0, callbacks=[cb])
    secs = time.perf_counter() - start
    out = {}
    for n in ("validation", "test"):
        out[n] = float(np.mean(T.predict_labels(m, enc[n]) == lab[n]))
    out["drift"] = 1 - float(np.mean(np.sum(vectors(m.bert) * ref, axis=1)))
    out["seconds"] = round(secs, 1); out["epoch_seconds"] = cb.times
    return out

what = sys.argv[1]
for seed in (42, 1, 2):
    if what == "04":
        r = {"fine": run(seed, True, 5e-5, 3), "scratch3": run(seed, False, 3e-4, 3)}
        r["margin"] = r["fine"]["test"] - r["scratch3"]["test"]
    elif what == "05":
        r = {"lr2e-3_1ep": run(seed, True, 2e-3, 1, validation=False)}
    else:  # "05-lesson N": lesson 05's own procedure (fit_classifier, padding per batch), N epochs at 2e-3
        epochs = int(sys.argv[2])
        keras.utils.set_random_seed(seed)
        _, m = T.load_bert("bert-base-uncased", task="classification", num_labels=2)
        start = time.perf_counter()
        T.fit_classifier(m, (enc["train"], lab["train"]), 2e-3, epochs, seed=seed, verbose=0)
        r = {f"lr2e-3_{epochs}ep": {"test": float(np.mean(T.predict_labels(m, enc["test"]) == lab["test"])),
                                    "drift": 1 - float(np.mean(np.sum(vectors(m.bert) * ref, axis=1))),
                                    "seconds": round(time.perf_counter() - start, 1)}}
    print(what, seed, json.dumps(r), flush=True)
