"""Policies: the format (:mod:`.model`), loading (:mod:`.load`), lint (:mod:`.lint`) and the
relation graph (:mod:`.graph`)."""

from checker.policy.load import LoadedPolicy, load_policy
from checker.policy.model import Policy, Threshold, ThresholdFunction

__all__ = ["LoadedPolicy", "Policy", "Threshold", "ThresholdFunction", "load_policy"]
