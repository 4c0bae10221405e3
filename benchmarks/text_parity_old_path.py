"""Parity, step 1 of 2: mean-pooled MiniLM embeddings on the old path (transformers 4.57 TFBertModel,
tf_keras), saved to /tmp/k3_old_emb.npy. Run it with the venv of a checkout from before the Keras 3
move (4c55f20): OLD_COURSE=<that checkout> <its venv>/bin/python benchmarks/text_parity_old_path.py,
from this checkout's root; then run benchmarks/text_parity.py in this checkout's venv."""
import os, sys, csv, time
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
sys.path.insert(0, os.environ.get("OLD_COURSE", "/work/main"))
import dataclasses, tempfile
from pathlib import Path
import numpy as np
from tlutils import PROFILES, text
cfg = dataclasses.replace(PROFILES["offline"], cache_dir=Path(tempfile.mkdtemp()))
def read(name):
    rows = list(csv.DictReader(open(f"tlutils/course_data/sst2/{name}.csv")))
    return [r["text"] for r in rows]
texts = read("train")[:400] + read("test")
t = time.time()
tok, model = text.load_bert(cfg=cfg)
out = []
for i in range(0, len(texts), 64):
    enc = tok(texts[i:i+64], padding=True, truncation=True, max_length=64, return_tensors="tf")
    h = model(enc, training=False).last_hidden_state.numpy()
    out.append(text.mean_pool(h, enc["attention_mask"].numpy()))
np.save("/tmp/k3_old_emb.npy", np.concatenate(out).astype("float32"))
print("old path seconds", time.time() - t, text.__file__)
