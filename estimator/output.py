"""Write an output file whole or not at all.

A published table must never be half a table: :func:`write_atomic` writes the text to a
temporary file in the target's own folder (so the final rename stays on one file
system), flushes it to disk and renames it over the target with :func:`os.replace`, which
is atomic on POSIX and Windows. If anything fails or the user interrupts before the
rename, the temporary file is removed and the target keeps its old content.

``click.File(atomic=True)`` is not used because it replaces the target even when the
command fails after opening it.

References
----------
.. [1] Python documentation, ``os.replace``: "If successful, the renaming will be an
   atomic operation (this is a POSIX requirement)."
   https://docs.python.org/3/library/os.html#os.replace
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from estimator.errors import InputError

STDOUT = "-"


def check_target(path: str | os.PathLike, what: str = "--output") -> Path:
    """Check that ``path`` can be a file to write, before any work is done; return the
    file to write (a symbolic link's target).

    Raises
    ------
    InputError
        The path is empty, names a folder, or its folder does not exist.
    """
    if not str(path).strip() or "\x00" in str(path):
        raise InputError(f"{what} {str(path)!r}: expected a file name")
    target = Path(path)
    if target.is_symlink():  # replace the file the link points to, not the link
        target = target.resolve()
    if target.is_dir():
        raise InputError(f"{what} {target}: is a folder; expected a file name")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{what} {target}: folder {str(folder)!r} does not exist")
    return target


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
        The file cannot be written (no such folder, no permission, disk full); the target
        is unchanged and no temporary file is left.

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
