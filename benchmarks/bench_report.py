"""Description of the machine and rendering of benchmark results as Markdown and as text."""

import datetime
import os
import platform

UNIT_SUFFIXES = {"x": "x", "%": " %", "h": " h", "s": " s", "ms": " ms", "MiB": " MiB"}


def read_cpu_model():
    """Return the CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def read_memory_gib():
    """Return the total memory in GiB from /proc/meminfo, or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def describe_blas():
    """Return the BLAS library NumPy uses and its thread count, as reported by threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl is not installed)"

    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not pools:
        return "none found"
    return "; ".join(
        f"{pool.get('internal_api')} {pool.get('version')}, "
        f"{pool.get('num_threads')} threads, {pool.get('architecture')} kernel"
        for pool in pools
    )


def describe_machine():
    """Return the facts about the machine that every report states, as (name, value) pairs."""
    import numpy

    memory = read_memory_gib()
    return [
        ("cores (nproc)", str(os.cpu_count())),
        ("CPU", read_cpu_model()),
        ("memory", f"{memory:.1f} GiB" if memory is not None else "unknown"),
        ("Python", platform.python_version()),
        ("NumPy", numpy.__version__),
        ("BLAS", describe_blas()),
        ("OS", platform.platform()),
    ]


def read_load_average():
    """Return the 1, 5 and 15 minute load averages as text, as ``uptime`` shows them."""
    try:
        return ", ".join(f"{load:.2f}" for load in os.getloadavg())
    except OSError:
        return "unknown"


def now_text():
    """Return the current local date and time, to the minute, with its UTC offset."""
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")


def format_number(value):
    """Format a measured value with about three significant digits, without exponents.

    Values from 100 up are rounded to whole numbers with thousands
    separators, so that a speed-up of 12345 reads ``12,345``.
    """
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude == 0:
        return "0"
    return f"{value:.3g}"


def format_value(value, unit):
    """Format a value followed by its unit, for example ``1.02x`` or ``35.2 ms``."""
    return format_number(value) + UNIT_SUFFIXES.get(unit, f" {unit}" if unit else "")


def format_target(measurement):
    """Return the target of a measurement as text such as ``<= 1.15x``, or ``""``."""
    target = measurement.target
    if target is None:
        return ""
    return f"{target.comparison} {format_value(target.bound, measurement.unit)}"


def escape_cell(text):
    """Escape the characters that would end a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_table(measurements):
    """Render measurements as a Markdown table: median, min, max, runs, target, result, note."""
    lines = [
        "| measurement | median | min | max | runs | target | result | how |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for measurement in measurements:
        summary, unit = measurement.summary, measurement.unit
        cells = [
            measurement.label,
            format_value(summary.median, unit),
            format_value(summary.minimum, unit),
            format_value(summary.maximum, unit),
            str(summary.runs),
            format_target(measurement),
            measurement.verdict,
            measurement.note,
        ]
        lines.append("| " + " | ".join(escape_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def render_section(section):
    """Render one benchmark section: heading, main table, notes, then further tables."""
    parts = [f"## {section.title}"]
    if section.measurements:
        parts.append(render_table(section.measurements))
    parts.extend(section.notes)
    for caption, measurements in section.tables:
        parts.append(caption)
        parts.append(render_table(measurements))
    return "\n\n".join(parts)


def render_targets_overview(sections):
    """Render one line per measurement that has a target: the median, the target and the result."""
    lines = ["| section | measurement | median | target | result |",
             "| --- | --- | ---: | --- | --- |"]
    for section in sections:
        for measurement in section.measurements:
            if measurement.target is None:
                continue
            cells = [section.title, measurement.label,
                     format_value(measurement.summary.median, measurement.unit),
                     format_target(measurement), measurement.verdict]
            lines.append("| " + " | ".join(escape_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def render_markdown(sections, run_facts, introduction=()):
    """Render the whole report as Markdown.

    Parameters
    ----------
    sections : list of Section
    run_facts : list of (str, str)
        How and where the figures were produced: command, date, load,
        machine.  Rendered as a two-column table.
    introduction : sequence of str
        Paragraphs placed between the title and the facts.
    """
    parts = ["# Benchmarks", *introduction, "## How and where these figures were measured"]
    facts = ["| fact | value |", "| --- | --- |"]
    facts.extend(f"| {escape_cell(name)} | {escape_cell(value)} |" for name, value in run_facts)
    parts.append("\n".join(facts))
    parts.append("## Targets at a glance")
    parts.append(render_targets_overview(sections))
    parts.extend(render_section(section) for section in sections)
    return "\n\n".join(parts) + "\n"


def plural(count, noun):
    """Return ``count`` followed by ``noun``, with an ``s`` unless the count is 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_text_summary(sections):
    """Return a plain-text summary for the terminal: one line per measurement."""
    lines = []
    for section in sections:
        lines.append(f"{section.title}")
        for measurement in section.measurements:
            summary, unit = measurement.summary, measurement.unit
            line = (f"  {measurement.label}: {format_value(summary.median, unit)} "
                    f"(min {format_value(summary.minimum, unit)}, "
                    f"max {format_value(summary.maximum, unit)}, {plural(summary.runs, 'run')})")
            if measurement.target is not None:
                line += f"  target {format_target(measurement)}: {measurement.verdict}"
            lines.append(line)
    return "\n".join(lines)
