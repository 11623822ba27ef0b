"""Where outputs may go: never onto an input, never into an input folder being read, never
through a link out of the output folder.

Pure path checks, made before anything is read or written; the errors are usage errors
(exit 2) for the paths the user chose and file errors for a link found under --out.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputIsInput, OutsideOutput


def real(path: str | Path) -> Path:
    """``path`` with every link in its existing part resolved (the rest kept as written)."""
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_inputs_as_outputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path],
                             folders: Iterable[str | Path] = ()) -> None:
    """Raise OutputIsInput if an output is an input file, or lies inside an input folder."""
    files = {real(p): Path(p) for p in inputs}
    dirs = [(real(d), Path(d)) for d in folders]
    for out in outputs:
        target = real(out)
        if target in files:
            raise OutputIsInput(str(out), f"this output is the input {files[target]}")
        for folder, given in dirs:
            if _inside(target, folder):
                raise OutputIsInput(str(out), f"this output lies in the input folder {given}")


def inside_root(path: str | Path, root: str | Path) -> Path:
    """``path`` if its folder, links resolved, is inside ``root``; else raise OutsideOutput.

    The file itself may be a link: the atomic writers replace a link, they never follow it.
    """
    parent = real(Path(path).parent)
    if not _inside(parent, real(root)):
        raise OutsideOutput(str(path), str(root))
    return Path(path)
