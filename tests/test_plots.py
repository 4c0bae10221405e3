"""The plots draw what they say."""
import matplotlib

matplotlib.use("Agg")

from tlutils.plots import plot_confusion_matrix, plot_history, show_predictions  # noqa: E402

STAGE = {"loss": [1.0, 0.6], "val_loss": [1.1, 0.8], "accuracy": [0.5, 0.7],
         "val_accuracy": [0.4, 0.6]}


def test_history_curves_join_stages_and_mark_fine_tuning():
    fig = plot_history(STAGE, STAGE)
    loss_axis = fig.axes[0]
    training = loss_axis.get_lines()[0]
    assert list(training.get_ydata()) == [1.0, 0.6, 1.0, 0.6]
    marker = [line for line in loss_axis.get_lines() if line.get_label() == "fine-tuning starts"]
    assert marker and marker[0].get_xdata()[0] == 2.5


def test_single_history_has_no_marker():
    fig = plot_history(STAGE)
    assert all(line.get_label() != "fine-tuning starts" for line in fig.axes[0].get_lines())


def test_prediction_grid_colours_mistakes_red():
    import numpy as np

    fig = show_predictions(np.ones((3, 4, 4, 3)), [0, 1, 2], [0, 2, 2], ["a", "b", "c"], ncols=2)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes if ax.get_title()]
    assert titles == [("a", "green"), ("c (true: b)", "red"), ("c", "green")]


def test_confusion_matrix_counts():
    fig = plot_confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1], ["cat", "dog"])
    cells = sorted(t.get_text() for t in fig.axes[0].texts)
    assert cells == ["0", "1", "1", "2"]
