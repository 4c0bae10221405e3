"""Choosing a tf.distribute strategy for the hardware at hand (TPU, several GPUs, or one device)."""
from __future__ import annotations

import os

import tensorflow as tf


def pick_strategy(devices: list[str] | None = None) -> tf.distribute.Strategy:
    """A TPUStrategy on a TPU, a MirroredStrategy on several GPUs (or on ``devices``), else the
    default strategy (one GPU or the CPU).

    Example:
        >>> pick_strategy().num_replicas_in_sync >= 1
        True
    """
    if devices:
        return tf.distribute.MirroredStrategy(devices)
    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME"):
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if len(tf.config.list_logical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def describe(strategy: tf.distribute.Strategy) -> str:
    """A short name for the strategy, e.g. ``MirroredStrategy (2 replicas)``."""
    return f"{type(strategy).__name__} ({strategy.num_replicas_in_sync} replica(s))"
