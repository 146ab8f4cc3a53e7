"""The results folder: per-student records, feedback files and the gradebook.

RESULTS/records/<student>.json is the source of truth: a student without
that file is graded by the next run.  A student with it is not, unless its
status is "grader error", or "empty" or "invalid" and the submission has
changed since (see ``cli.already_graded``).  Every file is written
atomically (temporary file, fsync, rename, fsync of the folder), and the
feedback file is written before the record, so a run killed at any moment
leaves either a complete grade or none.  The gradebook is rebuilt from the
records after every run.  Regrading moves the old record and feedback to
RESULTS/history/ instead of overwriting them.
"""

import csv
import fcntl
import io
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from course_lib.checks import specs
from course_lib.grading.feedback import render_feedback

LOGGER = logging.getLogger(__name__)

TEMPORARY_PREFIX = ".tmp-"
LOCK_NAME = ".grading.lock"
FINAL_STATUSES = ("graded", "empty", "invalid")
FORMULA_PREFIXES = ("=", "+", "-", "@")
GRADEBOOK_COLUMNS = ["student"] + list(specs.FUNCTION_NAMES) + ["total", "max_total", "status",
                                                                 "note"]


class ResultsLocked(RuntimeError):
    """Raised when another grading run has locked the results folder."""


def write_atomically(path, text):
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder):
    """fsync a folder so that a rename inside it survives a crash."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class ResultsFolder:
    """The layout of RESULTS and the operations on it."""

    def __init__(self, root):
        self.root = Path(root)
        self.records = self.root / "records"
        self.feedback = self.root / "feedback"
        self.history = self.root / "history"
        self.gradebook = self.root / "gradebook.csv"
        self.lock_stream = None

    def prepare(self):
        """Create the folders, take the run lock and remove temporary files of killed runs.

        Raises
        ------
        ResultsLocked
            If another grading run is writing to this folder.
        """
        for folder in (self.root, self.records, self.feedback, self.history):
            folder.mkdir(mode=0o750, parents=True, exist_ok=True)
        self.lock_stream = open(self.root / LOCK_NAME, "w")
        try:
            fcntl.flock(self.lock_stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock_stream.close()
            raise ResultsLocked(
                f"Another grading run is writing to {self.root}. Wait for it to finish, "
                f"or choose another --out folder."
            ) from None
        for folder in (self.root, self.records, self.feedback):
            for leftover in folder.glob(f"{TEMPORARY_PREFIX}*"):
                LOGGER.debug("Removing %s left by an interrupted run", leftover)
                leftover.unlink(missing_ok=True)

    def release(self):
        """Release the run lock."""
        if self.lock_stream is not None:
            self.lock_stream.close()
            self.lock_stream = None

    def record_path(self, file_name):
        """Return the path of one student's record."""
        return self.records / f"{file_name}.json"

    def load_record(self, file_name):
        """Return one student's record, or None when it is missing or unreadable."""
        path = self.record_path(file_name)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            LOGGER.warning("Ignoring unreadable record %s (%s); the student is graded again",
                           path, error)
            return None
        return record if isinstance(record, dict) else None

    def is_final(self, file_name):
        """Return True when the student has a record that a new run must not redo."""
        record = self.load_record(file_name)
        return record is not None and record.get("status") in FINAL_STATUSES

    def save(self, record):
        """Write the feedback file, then the record, moving any earlier versions to history/."""
        file_name = record["file_name"]
        record_path = self.record_path(file_name)
        feedback_path = self.feedback / f"{file_name}.md"
        if record_path.exists():
            self.archive(file_name, (record_path, feedback_path))

        write_atomically(feedback_path, render_feedback(record))
        write_atomically(record_path, json.dumps(record, indent=1, sort_keys=True) + "\n")

    def archive(self, file_name, paths):
        """Move the earlier record and feedback of a student into history/ with one timestamp.

        Both files get the same name apart from the suffix, so the record
        and feedback of one grading stay paired.
        """
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns()}"
        for path in paths:
            if path.exists():
                target = self.history / f"{file_name}.{stamp}{path.suffix}"
                os.replace(path, target)
                LOGGER.info("Moved the earlier %s to %s", path.name, target)
        sync_folder(self.history)

    def all_records(self):
        """Return every readable record, sorted by student name."""
        records = []
        for path in sorted(self.records.glob("*.json")):
            record = self.load_record(path.stem)
            if record is not None:
                records.append(record)
        return sorted(records, key=lambda record: str(record.get("student")))

    def rebuild_gradebook(self):
        """Write gradebook.csv from the records; return the number of rows."""
        records = self.all_records()
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=GRADEBOOK_COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow(gradebook_row(record))
        write_atomically(self.gradebook, buffer.getvalue())
        return len(records)


def gradebook_row(record):
    """Return the gradebook row of one record: points per function, total, status and note."""
    row = {"student": spreadsheet_text(record.get("student")), "total": record.get("total"),
           "max_total": record.get("max_total"), "status": record.get("status"),
           "note": spreadsheet_text(record.get("message", ""))}
    row.update(record.get("points", {}))
    return row


def spreadsheet_text(value):
    """Return ``value`` as text that a spreadsheet will not run as a formula.

    Student names come from file names, so one starting with "=", "+", "-"
    or "@" gets a leading apostrophe, which spreadsheets show as plain text.
    """
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_PREFIXES else text
