"""The package version, in one place (the package, batch.py and cli.py import it from here)."""

__version__ = "0.1.0"
