"""Installed, not cloned: the built wheel carries the data tlutils reads, and the offline
loaders work from an installation with no course repository around it (as on Colab)."""
import gzip
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT

CHECK = """
import tlutils
from tlutils import PROFILES, data, text
assert tlutils.__file__.startswith({target!r}), tlutils.__file__
offline = PROFILES["offline"]
sentiment = text.load_sentiment(offline)
print("sentiment", len(sentiment.train), len(sentiment.validation), len(sentiment.test))
print("flowers", data.load_tf_flowers(offline).num_classes)
from tlutils.phishing.data import load_emails
print("phishing", len(load_emails("train")), len(load_emails("test_realistic")), len(load_emails("test", corpus="real")))
from tlutils import practice
print("quiz questions", sum(len(practice.questions("%02d" % n)) for n in range(8)))
from tlutils import seed_runs
print("seed runs", *(len(seed_runs.load(name)["per_seed"]) >= 3 for name in ("head_first", "batchnorm_cost")))
"""


def test_the_installed_wheel_loads_the_offline_data(tmp_path):
    source = tmp_path / "source"  # build from a copy: the repository gets no build/ or egg-info
    shutil.copytree(ROOT / "tlutils", source / "tlutils", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("tlutils-*.whl"))
    shipped = [n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("tlutils/course_data/")]
    in_repository = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tlutils" / "course_data").rglob("*") if p.is_file()]
    assert sorted(shipped) == sorted(in_repository)  # every data file the package reads, nothing else

    target = tmp_path / "site"  # the dependencies come from the test's own environment
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-c", CHECK.format(target=str(target))], cwd=elsewhere,
                          capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(target), "TLUTILS_PROFILE": "offline",
                               "TLUTILS_CACHE": str(tmp_path / "cache"), "TF_CPP_MIN_LOG_LEVEL": "3",
                               "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sentiment 400 400 872" in done.stdout and "flowers 5" in done.stdout and "seed runs True True" in done.stdout
    real_test = ROOT / "tlutils" / "course_data" / "phishing" / "real" / "test.jsonl.gz"
    with gzip.open(real_test, "rt", encoding="utf-8") as lines:  # what the repository ships
        real_count = sum(1 for line in lines if line.strip())
    assert f"phishing 160 250 {real_count}" in done.stdout
    from tlutils import practice  # the questions ship as data (practice/questions.toml)

    assert f"quiz questions {sum(len(practice.questions(f'{n:02d}')) for n in range(8))}" in done.stdout
