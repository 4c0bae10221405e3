"""Cost of trainable BatchNorm when fine-tuning EfficientNet-Lite0 in small batches (lesson 05,
mistake 4), over seeds, with the lesson's procedure.

    TLUTILS_PROFILE=offline python benchmarks/batchnorm_cost.py 128 4   # image size, batch size

Per seed (42, 1, 2): the head trained first on the frozen base's pooled features (10 epochs at
1e-3), then every layer for one epoch at 1e-5 in batches of the given size, once with BatchNorm
frozen and once trainable, from the same head; the held-out (validation + test photos) loss and
accuracy (scikit-learn) and the seconds of each fine-tuning run. Lesson 05 asserts its margins
on the first seed's run.
"""
import json, sys, time
import numpy as np, keras
from sklearn.metrics import accuracy_score, log_loss
import tlutils
cfg = tlutils.setup(verbose=False)
size = int(sys.argv[1]) if len(sys.argv) > 1 else 128
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 4
images = tlutils.data.load_course_photos(cfg, image_size=size)
def arrays(ds):
    xs, ys = zip(*ds.as_numpy_iterator()); return np.stack(xs).astype("float32"), np.array(ys)
xtr, ytr = arrays(images.train)
xho, yho = arrays(images.validation.concatenate(images.test))
print("train", xtr.shape, "held out", xho.shape, flush=True)
for seed in (42, 1, 2):
    t0 = time.perf_counter()
    keras.utils.set_random_seed(seed)
    base = tlutils.models.efficientnet_lite0(include_top=False, input_shape=(size, size, 3))
    inputs = keras.Input((size, size, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(base(inputs))
    head = keras.layers.Dense(images.num_classes, activation="softmax")
    model = keras.Model(inputs, head(pooled))
    features = keras.Model(inputs, pooled).predict(xtr, verbose=0)
    head_model = keras.Sequential([keras.Input(features.shape[1:]), head])
    head_model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    head_model.fit(features, ytr, batch_size=16, epochs=10, verbose=0)
    start = model.get_weights()
    res = {"head_s": round(time.perf_counter() - t0, 1)}
    for frozen in (True, False):
        t = time.perf_counter()
        model.set_weights(start)
        tlutils.models.unfreeze_top(base, len(base.layers), keep_batchnorm_frozen=frozen)
        model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
        model.optimizer.build(model.trainable_variables)
        model.fit(xtr, ytr, batch_size=batch, epochs=1, verbose=0)
        p = model(xho, training=False).numpy()
        res["BN frozen" if frozen else "BN trainable"] = {
            "loss": round(log_loss(yho, p, labels=range(images.num_classes)), 4),
            "accuracy": round(accuracy_score(yho, p.argmax(1)), 4), "s": round(time.perf_counter() - t, 1)}
    res["loss rise"] = round(res["BN trainable"]["loss"] - res["BN frozen"]["loss"], 4)
    res["accuracy fall"] = round(res["BN frozen"]["accuracy"] - res["BN trainable"]["accuracy"], 4)
    print("seed", seed, json.dumps(res), flush=True)
