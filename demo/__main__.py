"""``python -m demo``: run the API and the page (see :mod:`demo.server`)."""

import sys

from .server import main

sys.exit(main())
