"""``python -m safecity_extract``: the same command line as ``safecity-extract``."""
from safecity_extract.cli import main

if __name__ == "__main__":
    main(prog_name="safecity-extract")
