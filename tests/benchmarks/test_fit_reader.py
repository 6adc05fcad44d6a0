"""The agreement feature is fit as a bonus: it can raise a stack's probability, never lower a lone statement's."""

import numpy as np

from benchmarks.fit_ranker import fit, probabilities
from benchmarks.fit_reader import fit_with_bonus


def rows(seed: int, agreement_helps: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    score = rng.normal(size=600)
    agreed = rng.integers(0, 4, size=600).astype(float)
    z = 1.5 * score + (1.2 * agreed if agreement_helps else -1.2 * agreed)
    y = (rng.random(600) < 1 / (1 + np.exp(-z))).astype(float)
    return np.column_stack([score, np.log1p(agreed)]), y


def test_where_nothing_agrees_the_probability_is_the_stack_without_the_feature():
    X, y = rows(0, agreement_helps=True)
    model, base = fit_with_bonus(X, y), fit(X[:, :-1], y)
    lone = X.copy()
    lone[:, -1] = 0.0
    assert np.allclose(probabilities(model, lone), probabilities(base, X[:, :-1]))
    assert model["coef"][-1] > 0.5
    assert (probabilities(model, X) >= probabilities(base, X[:, :-1]) - 1e-12).all()


def test_agreement_that_goes_with_wrong_answers_gets_no_weight():
    X, y = rows(1, agreement_helps=False)
    assert fit_with_bonus(X, y)["coef"][-1] == 0.0
