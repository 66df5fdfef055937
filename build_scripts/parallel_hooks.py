"""MkDocs build events that share a build's pages among processes, one per core: each renders and writes its part, and the first does the post-build work (search index, redirects) once all are written.

Rendering is the build's largest cost (Python-Markdown and the theme's templates, about 8 ms
a page, one core). The build forks when its files are known: every process has the same
files, navigation and hooks' state, renders the pages of its part and leaves the others
excluded, which MkDocs still links to. Static files and the theme's own pages are written
by the first process only.
"""

from __future__ import annotations

import logging
import os
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

JOBS_ENV = "JIANGHUA_RENDER_JOBS"  # processes rendering a build (default: the cores this process may use)

_children: list[tuple[int, int]] = []  # in the first process: the others, by process id, each with the pipe it reports an error on
_report: int | None = None  # in the others: where to write what failed
_part = 0  # which part of the pages this process renders; 0 in the first
_serving = False


def jobs() -> int:
    return int(os.environ.get(JOBS_ENV) or len(os.sched_getaffinity(0)))


def part(pages: list, number: int, count: int) -> list:
    """The pages a process renders: every count-th of them in the order of their paths, so each part
    holds as many of every kind of page as the others.

    >>> part(["c.md", "a.md", "b.md", "d.md", "e.md"], 0, 2), part(["c.md", "a.md", "b.md", "d.md", "e.md"], 1, 2)
    (['a.md', 'c.md', 'e.md'], ['b.md', 'd.md'])
    """
    return sorted(pages)[number::count]


def on_startup(command, **kwargs):
    global _serving
    # `mkdocs serve` rebuilds in its own process, between requests: it renders in that one.
    _serving = command == "serve"


@event_priority(-100)  # after the other hooks have added and excluded files
def on_files(files, config, **kwargs):
    global _part, _report
    _children.clear()
    _part, _report = 0, None
    pages = [file.src_uri for file in files.documentation_pages()]
    count = 1 if _serving else min(jobs(), len(pages))
    if count < 2:
        return files
    for number in range(1, count):
        _flush()
        reading, writing = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(reading)
            for _, other in _children:
                os.close(other)
            _part, _report = number, writing
            _children.clear()
            break
        os.close(writing)
        _children.append((child, reading))
    mine = set(part(pages, _part, count))
    for file in files:
        # A process writes its part of the pages; the static files are the first one's to write.
        written = file.src_uri in mine if file.is_documentation_page() else _part == 0
        if not written:
            file.inclusion = InclusionLevel.EXCLUDED
    if _part:
        config.theme.static_templates.clear()
    return files


def on_post_page(output, page, config, **kwargs):
    # The page is written: its text is not needed again, and MkDocs would keep every page's until the build ends.
    page.markdown = page.content = None
    return output


@event_priority(100)  # before the post-build work, which needs every page written
def on_post_build(config, **kwargs):
    if _part:
        _exit(0)
    failures = _wait()
    if failures:
        raise PluginError("\n".join(failures))


def on_build_error(error, **kwargs):
    if _part:
        os.write(_report, f"{error}".encode("utf-8", "replace"))
        _exit(1)
    _wait()


def _wait() -> list[str]:
    """Wait for the other rendering processes; what failed in each that failed."""
    failures = []
    for child, reading in _children:
        with os.fdopen(reading, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        if os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) != 0:
            failures.append(message or "a process rendering the site's pages failed: see its messages above")
    _children.clear()
    return failures


def _flush() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    for handler in logging.getLogger().handlers + logging.getLogger("mkdocs").handlers:
        handler.flush()


def _exit(status: int) -> None:
    """End a rendering process without running the rest of its caller, which the first process runs."""
    _flush()
    os._exit(status)
