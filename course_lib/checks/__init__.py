"""Instant feedback for students: ``check("sigmoid")`` runs the public cases."""


def check(name=None):
    """Placeholder until the check runner lands."""
    raise NotImplementedError("check() is being written")
