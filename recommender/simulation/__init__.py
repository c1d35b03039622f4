"""Simulated learners for training and evaluating teaching policies.

- :class:`SkillGraph`, :func:`kss_graph` (the published KSS structure)
- :class:`RuleSimulator` / :func:`make_kss` (EduSim-style KSS rules), :func:`make_sample_course`
- :class:`KESSimulator` / :func:`make_kes` (a DKT learner trained on ASSISTments 2015)
- :func:`learning_gain` (E_p), :func:`mean_ci95`
"""

from recommender.simulation.base import Simulator
from recommender.simulation.graph import KSS_EDGES, SkillGraph, kss_graph
from recommender.simulation.kes import KESSimulator, make_kes
from recommender.simulation.kss import RuleSimulator, make_kss
from recommender.simulation.metrics import learning_gain, mean_ci95
from recommender.simulation.sample_course import make_sample_course, sample_course_graph

__all__ = [
    "KSS_EDGES",
    "KESSimulator",
    "RuleSimulator",
    "Simulator",
    "SkillGraph",
    "kss_graph",
    "learning_gain",
    "make_kes",
    "make_kss",
    "make_sample_course",
    "mean_ci95",
    "sample_course_graph",
]
