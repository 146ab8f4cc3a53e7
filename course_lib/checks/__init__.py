"""Instant feedback for students: ``check("sigmoid")`` runs the public cases."""
