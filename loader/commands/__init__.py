"""One module per area of `meetings` commands; `loader/cli.py` registers them."""
