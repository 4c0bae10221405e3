"""Parity, step 2 of 2: the KerasHub path against the old path's embeddings
(benchmarks/text_parity_old_path.py): largest difference, cosine, and a logistic regression on 400
SST-2 training sentences tested on the 872 test sentences."""
import os, csv, time
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
import numpy as np
from tlutils import PROFILES, text
from sklearn.linear_model import LogisticRegression
def read(name):
    rows = list(csv.DictReader(open(f"tlutils/course_data/sst2/{name}.csv")))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])
tr, ytr = read("train"); te, yte = read("test")
texts = tr[:400] + te
t = time.time()
tok, bb = text.load_bert(cfg=PROFILES["offline"])
enc = text.encode_texts(tok, texts, 64)
new = text.mean_pool(bb.predict(enc, batch_size=64, verbose=0)["sequence_output"], enc["padding_mask"])
print("new path seconds", round(time.time() - t, 1))
old = np.load("/tmp/k3_old_emb.npy")
print("max abs difference", float(np.abs(new - old).max()), "max |value|", float(np.abs(old).max()))
cos = np.sum(new * old, 1) / np.linalg.norm(new, axis=1) / np.linalg.norm(old, axis=1)
print("min cosine", float(cos.min()))
for name, X in (("old", old), ("new", new)):
    probe = LogisticRegression(max_iter=2000).fit(X[:400], ytr[:400])
    pred = probe.predict(X[400:])
    print(name, "LR on 400 frozen mean-pooled, test acc", round(float((pred == yte).mean()), 4))
    if name == "old": old_pred = pred
    else: print("predictions identical on", int((pred == old_pred).sum()), "of", len(pred))
