"""Accuracy cost of trainable BatchNorm when fine-tuning EfficientNet-Lite0 in small batches
(lesson 05, mistake 4), over seeds.

    TLUTILS_PROFILE=offline python benchmarks/batchnorm_cost.py 128 4   # image size, batch size

Per seed (42, 1, 2): the head trained first (base frozen, 10 epochs at 1e-3), then every layer
for two epochs at 1e-5 in batches of the given size, once with BatchNorm frozen and once
trainable, from the same head; after each epoch the held-out (validation + test photos) loss,
accuracy and the epoch's seconds. Lesson 05's margins come from the first epoch.
"""
import json, sys, time
import numpy as np, keras, tensorflow as tf
import tlutils
cfg = tlutils.setup(verbose=False)
size = int(sys.argv[1]) if len(sys.argv) > 1 else 128
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 4
images = tlutils.data.load_course_photos(cfg, image_size=size)
def arrays(ds):
    xs, ys = zip(*[(x, y) for x, y in ds.as_numpy_iterator()]); return np.stack(xs).astype("float32"), np.array(ys)
xtr, ytr = arrays(images.train)
xho, yho = arrays(images.validation.concatenate(images.test))
print("train", xtr.shape, "held out", xho.shape, flush=True)
for seed in (42, 1, 2):
    t0 = time.perf_counter()
    keras.utils.set_random_seed(seed)
    base = tlutils.models.efficientnet_lite0(include_top=False, input_shape=(size, size, 3))
    inputs = keras.Input((size, size, 3))
    out = keras.layers.Dense(images.num_classes, activation="softmax")(keras.layers.GlobalAveragePooling2D()(base(inputs)))
    model = keras.Model(inputs, out)
    base.trainable = False
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(xtr, ytr, batch_size=16, epochs=10, verbose=0)
    head = model.evaluate(xho, yho, verbose=0)
    start = model.get_weights()
    t1 = time.perf_counter()
    res = {"head only": [round(v, 4) for v in head], "head_s": round(t1 - t0, 1)}
    for frozen in (True, False):
        model.set_weights(start)
        tlutils.models.unfreeze_top(base, len(base.layers), keep_batchnorm_frozen=frozen)
        model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy", metrics=["accuracy"])
        hist = []
        for ep in range(2):
            t = time.perf_counter()
            model.fit(xtr, ytr, batch_size=batch, epochs=1, verbose=0, shuffle=True)
            hist.append([round(v, 4) for v in model.evaluate(xho, yho, verbose=0)] + [round(time.perf_counter() - t, 1)])
        res["BN frozen" if frozen else "BN trainable"] = hist
        base.trainable = False
    print("seed", seed, json.dumps(res), flush=True)
