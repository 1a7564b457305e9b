"""The bundle's entry point: the same command line as the `crmdesk` script."""

import sys

from crmdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
