"""L1 Descent Lab's numerical engine: pure numpy, usable from a notebook.

    >>> import core
    >>> data = core.article_dataset(noise_sigma=0.0)
    >>> run = core.descend(data, "signed_l1", lr=0.01, w0=20, batch_size=2, epochs=20,
    ...                    gradient_over="full")      # the article's printed code
    >>> round(float(run.w[-1]), 9)   # 200 subtractions of 0.4 in floating point, as in the article
    -60.0

Where to find a formula:
    losses.py     each loss as one object: value, (sub)gradient, the value chosen at the kink, parameters
    loss_sums.py  a loss summed over a data set at many states (data_loss)
    data.py       the article's data set, noisy lines, outliers
    schedules.py  learning-rate schedules (t -> lr)
    optimizers.py sgd, momentum, adam, polyak as pure update rules
    descent.py    descend / descend_many: trajectories
    theory.py     optima, oscillation band, L2's stability limit, closed forms
"""

from core.data import Dataset, article_dataset, make_dataset, outlier_count
from core.descent import (
    DIVERGENCE_LIMIT,
    MAX_RUN_UPDATES,
    MAX_SAMPLE_UPDATES,
    MAX_UPDATES,
    Trajectory,
    descend,
    descend_many,
    updates_per_run,
)
from core.loss_sums import data_loss
from core.losses import (
    LOSS_LABELS,
    LOSS_NAMES,
    LOSSES,
    Loss,
    LossParam,
    l1_subdifferential,
    loss_grad,
    loss_value,
    make_loss,
)
from core.optimizers import OPTIMIZER_NAMES, make_optimizer
from core.schedules import (
    SCHEDULE_NAMES,
    check_lr,
    constant,
    cosine,
    exponential_decay,
    inverse_sqrt,
    inverse_time_decay,
    make_schedule,
    rates,
    schedule_from_name,
    step_decay,
)
from core.theory import (
    distance_to_interval,
    entered_band_at,
    fit_line,
    gradient_x_sums,
    l1_minimizers,
    l1_optimum,
    l2_contracting_lr,
    l2_epoch_radius,
    l2_max_stable_lr,
    l2_optimum,
    oscillation_band,
    signed_l1_closed_form,
)

__all__ = [
    "DIVERGENCE_LIMIT",
    "MAX_RUN_UPDATES",
    "MAX_SAMPLE_UPDATES",
    "MAX_UPDATES",
    "LOSS_LABELS",
    "LOSS_NAMES",
    "OPTIMIZER_NAMES",
    "SCHEDULE_NAMES",
    "Dataset",
    "Trajectory",
    "article_dataset",
    "make_dataset",
    "outlier_count",
    "descend",
    "descend_many",
    "updates_per_run",
    "LOSSES",
    "Loss",
    "LossParam",
    "make_loss",
    "data_loss",
    "loss_value",
    "loss_grad",
    "l1_subdifferential",
    "make_optimizer",
    "check_lr",
    "constant",
    "cosine",
    "exponential_decay",
    "inverse_sqrt",
    "inverse_time_decay",
    "make_schedule",
    "rates",
    "schedule_from_name",
    "step_decay",
    "distance_to_interval",
    "entered_band_at",
    "fit_line",
    "gradient_x_sums",
    "l1_minimizers",
    "l1_optimum",
    "l2_contracting_lr",
    "l2_epoch_radius",
    "l2_max_stable_lr",
    "l2_optimum",
    "oscillation_band",
    "signed_l1_closed_form",
]
