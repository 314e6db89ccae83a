"""Where documents are: telling URLs from paths, and resolving references between them."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import DocumentError


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def is_relative_reference(location: str) -> bool:
    """Whether ``location`` is read relative to the document that names it.

    Not a URL with a scheme (``https:``, ``file:``), nor an absolute path
    (``/srv/api.yaml``, ``C:\\api.yaml``, ``\\\\server\\api.yaml``): for those, a hint
    about relative urls would mislead.
    """
    if re.match(r"^[A-Za-z]:[\\/]", location) or location.startswith(("/", "\\")):
        return False
    return not urlsplit(location).scheme


def resolve_reference(base: str, reference: str) -> str:
    """Resolve ``reference`` against ``base`` (a file path or an http(s) URL).

    Relative references resolve against the referring document, as RFC 3986
    and the Arazzo spec say; for files that means the document's directory.
    Percent-encoded characters in a relative file reference are decoded,
    since files on disk use the decoded names.

    A local document may refer to any file the user can read, and to URLs. A
    document fetched from the network may only refer to URLs: ``file:`` is
    refused, and an absolute path is a path on its own server.
    """
    if is_url(reference):
        return reference
    scheme = urlsplit(reference).scheme
    if scheme == "file":
        if is_url(base):
            # A document from the network must not make the runner read local files.
            raise DocumentError(
                f"'{reference}' is a local file, and a remote document ({base}) cannot refer "
                "to local files"
            )
        return unquote(urlsplit(reference).path)
    if len(scheme) > 1:  # one letter is a Windows drive ("C:\\specs\\api.yaml")
        raise DocumentError(
            f"'{reference}' uses the URL scheme '{scheme}:', which is not supported "
            "(only http:, https:, file: and relative references are)"
        )
    if is_url(base):
        return urljoin(base, reference)
    path = unquote(reference)
    if os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(os.path.dirname(base), path))


def display_path(location: str) -> str:
    """Name a file the way a user finds it: relative to the working directory."""
    if is_url(location) or not os.path.isabs(location):
        return location
    try:
        return os.path.relpath(location)
    except ValueError:  # another drive on Windows
        return location
