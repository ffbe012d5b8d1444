"""``python -m kinerja`` runs the command-line interface."""

import sys

from kinerja.cli import main

sys.exit(main())
