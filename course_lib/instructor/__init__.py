"""Instructor-only tools; the student release leaves this package out."""
