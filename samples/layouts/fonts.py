"""The symbol bullet font: a one-glyph TrueType font whose bullet sits at U+F0B7.

Word draws list bullets in the Symbol font at the private-use code point U+F0B7; a PDF
made that way maps the glyph to U+F0B7 in its text layer. This builds such a font from
the bullet of Liberation Sans (or DejaVu Sans) with fontTools, once per cache directory.
"""
from __future__ import annotations

from pathlib import Path

SYMBOL_CODE = 0xF0B7
FAMILY = "SafecitySymbol"
_SOURCES = ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def symbol_font(cache: Path) -> Path:
    """Path of the bullet font (built into ``cache`` on first use)."""
    out = cache / f"{FAMILY}.ttf"
    if out.exists():
        return out
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError as exc:  # pragma: no cover - the samples extra installs it
        raise RuntimeError("the symbol-bullet layouts need fontTools: "
                           "pip install '.[samples]'") from exc
    source = next((p for p in _SOURCES if Path(p).exists()), None)
    if source is None:
        raise RuntimeError("no Liberation Sans or DejaVu Sans font to take the bullet from")
    font = TTFont(source)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[0x2022, 0x20])
    sub.subset(font)
    bullet = font.getBestCmap()[0x2022]
    space = font.getBestCmap()[0x20]
    for table in font["cmap"].tables:
        table.cmap = {SYMBOL_CODE: bullet, 0x20: space}
    for record in font["name"].names:
        if record.nameID in (1, 4, 16) or record.nameID == 6:
            record.string = FAMILY
    cache.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(out)
    return out
