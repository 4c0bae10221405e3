"""Write tlutils/imagenet_classes.txt: ImageNet's 1000 class names in classifier order.

Keras downloads its class index at run time, which the offline profile cannot do. The names
come from tensorflow-datasets (Apache-2.0), which ships the standard list in
``tensorflow_datasets/datasets/siscore/labels.py``; we keep the first synonym of each class
("bell cote, bell cot" -> "bell cote"). Run: ``.venv/bin/python scripts/make_imagenet_classes.py``.
"""
from pathlib import Path

from tensorflow_datasets.datasets.siscore.labels import IMAGENET_LABELS_LIST

TARGET = Path(__file__).resolve().parents[1] / "tlutils" / "imagenet_classes.txt"


def main() -> None:
    names = [label.split(",")[0].strip() for label in IMAGENET_LABELS_LIST]
    assert len(names) == 1000 and names[0] == "tench", "unexpected tensorflow-datasets label list"
    TARGET.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {TARGET}")


if __name__ == "__main__":
    main()
