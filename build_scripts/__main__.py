"""`python -m build_scripts` is the `jianghua` command."""

import sys

from .cli import main

sys.exit(main())
