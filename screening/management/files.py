"""Reading a file named on a management command's command line."""

from django.core.management.base import CommandError


def read_text_argument(path: str) -> str:
    """The file's UTF-8 text, or a CommandError (exit status 2) saying why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text", returncode=2) from None
