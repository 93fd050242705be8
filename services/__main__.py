"""`python -m services ...`: green the process first, then hand over to the CLI."""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402 - the warning filter must come first

eventlet.monkey_patch()

from services.cli import main  # noqa: E402 - must follow monkey_patch

main()
