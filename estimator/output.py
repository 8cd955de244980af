"""Write an output file whole or not at all.

A published table must never be half a table: :func:`write_atomic` writes the text to a
temporary file in the target's own folder (so the final rename stays on one file
system), flushes it to disk and renames it over the target with :func:`os.replace`, which
is atomic on POSIX and Windows. If anything fails or the user interrupts before the
rename, the temporary file is removed and the target keeps its old content.

``click.File(atomic=True)`` is not used because it replaces the target even when the
command fails after opening it.

A target that exists and is not a regular file (a character or block device, a FIFO, a
socket; links followed) is not a file to replace: renaming over ``/dev/null`` would put a
regular file in its place, and a FIFO's reader would wait for ever. :func:`write_output`
writes the finished text straight into such a target instead (:func:`write_through`),
as a shell's ``>`` does, and keeps the atomic rename for regular files and new paths.
A name of a descriptor the process holds (``/dev/stdout``, ``/dev/fd/N``) is written
through that descriptor, so a shell's ``>> log`` keeps appending.

References
----------
.. [1] Python documentation, ``os.replace``: "If successful, the renaming will be an
   atomic operation (this is a POSIX requirement)."
   https://docs.python.org/3/library/os.html#os.replace
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from estimator.errors import InputError

STDOUT = "-"


def check_target(path: str | os.PathLike, what: str = "--output") -> Path:
    """Check that ``path`` can be a file to write, before any work is done; return the
    file to write (a symbolic link's target).

    A device, FIFO or socket (:func:`is_special`) is returned as given, links and all:
    it is opened, not replaced, and ``/dev/stdout`` must be opened by its own name (its
    link's target, such as ``pipe:[1234]``, names nothing one can open).

    Raises
    ------
    InputError
        The path is empty, names a folder, or its folder does not exist.
    """
    if not str(path).strip() or "\x00" in str(path):
        raise InputError(f"{what} {str(path)!r}: expected a file name")
    target = Path(path)
    if is_special(target):
        return target
    if target.is_symlink():  # replace the file the link points to, not the link
        target = target.resolve()
    if target.is_dir():
        raise InputError(f"{what} {target}: is a folder; expected a file name")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{what} {target}: folder {str(folder)!r} does not exist")
    return target


def same_file(first: str | os.PathLike | None, second: str | os.PathLike | None) -> bool:
    """Whether two output paths name one file, so that one output would overwrite the other.

    ``None`` or :data:`STDOUT` is standard output, compared by the file it writes to (as
    ``estimator check --plot out.svg > out.svg`` would). Two existing paths are one file
    when they are one inode (links and hard links included); otherwise their resolved paths
    are compared.

    Examples
    --------
    >>> same_file("out.svg", "./figures/../out.svg")
    True
    >>> same_file("out.txt", "out.svg")
    False
    """
    first_stat, second_stat = _stat_of(first), _stat_of(second)
    if first_stat is not None and second_stat is not None:
        return os.path.samestat(first_stat, second_stat)
    if first in (None, STDOUT) or second in (None, STDOUT):  # a new file is not standard output
        return False
    return os.path.realpath(first) == os.path.realpath(second)


def _stat_of(path: str | os.PathLike | None) -> os.stat_result | None:
    """The file ``path`` names, links followed (standard output for None or ``-``), or None."""
    try:
        if path is None or path == STDOUT:
            return os.fstat(sys.stdout.fileno())
        return os.stat(path)
    except (AttributeError, OSError, ValueError):  # no such file, or a stdout without a descriptor
        return None


def is_special(path: str | os.PathLike) -> bool:
    """Whether ``path`` exists, links followed, and is neither a regular file nor a folder:
    a character or block device, a FIFO or a socket."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # missing, unreadable, or a NUL in the name
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_output(path: str | os.PathLike, text: str | bytes, what: str = "--output") -> None:
    """Write ``text`` whole to ``path``: straight into a device or FIFO, else atomically.

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist.
    text : str or bytes
        The whole content, already computed: text (written as UTF-8) or an image's bytes.
    what : str
        The option the path came from, for error messages.

    Raises
    ------
    InputError
        The target cannot be written; a regular file is then unchanged
        (:func:`write_atomic`).
    """
    descriptor = open_descriptor(path)
    if descriptor is not None:
        write_descriptor(descriptor, text, path, what)
        return
    target = check_target(path, what)
    if is_special(target):
        write_through(target, text, what)
    else:
        write_atomic(target, text, what)


# Names of a descriptor this process already holds (``-o /dev/stdout >> log``): writing
# through the descriptor keeps the shell's redirect, its append mode included; replacing
# or reopening the file it leads to would wipe what the log held.
_DESCRIPTOR_NAMES = re.compile(r"^/(?:dev/(?P<std>stdout|stderr)|dev/fd/(?P<fd>\d+)|proc/self/fd/(?P<self>\d+))$")


def open_descriptor(path: str | os.PathLike) -> int | None:
    """The descriptor ``path`` names (``/dev/stdout`` 1, ``/dev/stderr`` 2, ``/dev/fd/N``
    and ``/proc/self/fd/N`` N) if this process holds it open, else None."""
    match = _DESCRIPTOR_NAMES.match(os.fspath(path))
    if match is None:
        return None
    descriptor = {"stdout": 1, "stderr": 2}.get(match["std"]) if match["std"] else int(match["fd"] or match["self"])
    try:
        os.fstat(descriptor)
    except OSError:
        return None
    return descriptor


def write_descriptor(descriptor: int, text: str | bytes, path, what: str = "--output") -> None:
    """Write ``text`` whole to an open ``descriptor`` (after what Python's own streams hold).

    A pipe whose reader leaves is met as on standard output: quietly once the output has
    begun (``-o /dev/stdout | head -1``), else with the BrokenPipeError click ends quietly
    with exit code 1.
    """
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    try:
        _write_all(descriptor, text, quiet_when_reader_leaves=True)
    except BrokenPipeError:  # before any byte went: click ends quietly, as for standard output
        raise
    except OSError as error:
        raise InputError(f"{what} {path}: cannot write ({error.strerror})") from None


def _write_all(descriptor: int, text: str | bytes, quiet_when_reader_leaves: bool = False) -> None:
    """Write every byte of ``text`` (UTF-8 for a string): ``os.write`` may take part of it.

    With ``quiet_when_reader_leaves``, a pipe whose reader leaves after the first byte
    ends the write without an error, as standard output does.
    """
    data = memoryview(text.encode("utf-8") if isinstance(text, str) else text)
    started = False
    try:
        while data:
            data = data[os.write(descriptor, data):]
            started = True
    except BrokenPipeError:
        if not (quiet_when_reader_leaves and started):
            raise


def write_through(path: str | os.PathLike, text: str | bytes, what: str = "--output") -> None:
    """Open an existing device or FIFO for writing and write ``text`` into it, as a shell's
    ``>`` does: no temporary file, no rename. A FIFO waits for its reader.

    Raises
    ------
    InputError
        The target cannot be opened or refuses the bytes (a full device, a reader gone).
    """
    try:
        # No O_CREAT: a target that vanished since the check is an error, not a new file.
        # O_NOCTTY: a terminal named here does not become the controlling one (POSIX only).
        descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            _write_all(descriptor, text)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise InputError(f"{what} {path}: cannot write ({error.strerror})") from None


def write_atomic(path: str | os.PathLike, text: str | bytes, what: str = "--output") -> None:
    """Write ``text`` (UTF-8, or bytes as given) to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist.
    text : str or bytes
        The whole content: text, or the bytes of an image (``--plot``).
    what : str
        The option the path came from, for error messages.

    Raises
    ------
    InputError
        The file cannot be written (no such folder, no permission, disk full), or the
        target is a device or FIFO, which only :func:`write_output` writes; the target is
        unchanged and no temporary file is left.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "out.txt", "a,b\\n1,2\\n")
    >>> (folder / "out.txt").read_text()
    'a,b\\n1,2\\n'
    >>> sorted(p.name for p in folder.iterdir())
    ['out.txt']
    """
    target = check_target(path, what)
    if is_special(target):  # a rename would put a regular file in the device's place
        raise InputError(f"{what} {target}: not a regular file; expected a file to replace")
    mode = _mode_for(target)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise InputError(f"{what} {target}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:  # including KeyboardInterrupt: never leave the temporary
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputError(f"{what} {target}: cannot write ({error.strerror})") from None
        raise


def _mode_for(target: Path) -> int:
    """Permissions for the new file: the old file's, or what the umask gives a new one."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
