"""``python -m assembler`` and the ``assemble`` script: the command line, with Ctrl-C during
start-up (while modules import) ending quietly rather than in a traceback."""

import sys


def run() -> None:
    try:
        from assembler.cli.main import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
