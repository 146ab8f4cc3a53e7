"""Instructor-only batch grading: sandboxed runs of submissions, gradebook and Gradescope bundle.

``python -m course_lib grade SUBMISSIONS --out RESULTS`` grades a class, and
``python -m course_lib gradescope --out autograder.zip`` builds the bundle
that Gradescope runs.  docs/grading.md describes both.
"""
