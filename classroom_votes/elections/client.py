"""The only code that fetches an election file from outside: https only, to public addresses
only (the host is resolved once, every address checked, and the connection made to the address
checked, so a DNS answer cannot change between the check and the request), redirects followed
a few times under the same checks, a size cap and a timeout. Tests mock `_https_get`."""

import http.client
import ipaddress
import socket
import ssl
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .parsing import FILE_TOO_LARGE, ElectionFileError

URL_SCHEME_REFUSED = "url_scheme_refused"
URL_ADDRESS_REFUSED = "url_address_refused"
DOWNLOAD_FAILED = "download_failed"
FILE_UNREADABLE = "file_unreadable"
MAX_REDIRECTS = 3
USER_AGENT = "Hemicycle election import"


class ElectionFetchError(ElectionFileError):
    pass


def _public_address(host: str, port: int) -> str:
    """The first address of `host`, after checking that every one of them is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ElectionFetchError(
            DOWNLOAD_FAILED, _("Adresse introuvable : %(host)s.") % {"host": host}
        ) from error
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise ElectionFetchError(
                URL_ADDRESS_REFUSED,
                _("Adresse refusée : %(host)s désigne une adresse privée ou locale.")
                % {"host": host},
            )
    if not addresses:
        raise ElectionFetchError(
            DOWNLOAD_FAILED, _("Adresse introuvable : %(host)s.") % {"host": host}
        )
    return addresses[0]


def url_check(url: str) -> tuple[str, int, str]:
    """(host, port, path?query) of an acceptable https URL; raises ElectionFetchError."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ElectionFetchError(
            URL_SCHEME_REFUSED, _("Seules les adresses https:// sont acceptées.")
        )
    if parts.username or parts.password:
        raise ElectionFetchError(
            URL_SCHEME_REFUSED, _("Une adresse avec identifiants n'est pas acceptée.")
        )
    try:
        port = parts.port or 443
    except ValueError as error:
        raise ElectionFetchError(URL_SCHEME_REFUSED, _("Port invalide.")) from error
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, port, path


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address already checked, with the certificate checked for the host."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _https_get(url: str, *, max_bytes: int, timeout: float) -> tuple[int, str | None, bytes]:
    """One request, no redirect followed: (status, Location, body capped at max_bytes + 1)."""
    host, port, path = url_check(url)
    address = _public_address(host, port)
    connection = _PinnedHTTPSConnection(host, port, address, timeout)
    try:
        connection.request(
            "GET", path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        )
        response = connection.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            return response.status, None, b"x" * (max_bytes + 1)
        return response.status, response.getheader("Location"), response.read(max_bytes + 1)
    finally:
        connection.close()


def election_file_download(url: str) -> bytes:
    max_bytes = settings.HEMICYCLE_ELECTION_MAX_BYTES
    timeout = settings.HEMICYCLE_ELECTION_DOWNLOAD_TIMEOUT
    for _redirect in range(MAX_REDIRECTS + 1):
        try:
            status, location, body = _https_get(url, max_bytes=max_bytes, timeout=timeout)
        except (OSError, http.client.HTTPException) as error:
            raise ElectionFetchError(
                DOWNLOAD_FAILED, _("Téléchargement impossible (%(error)s).") % {"error": error}
            ) from error
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        if status != 200:
            raise ElectionFetchError(
                DOWNLOAD_FAILED,
                _("Le serveur a répondu %(status)s au lieu de 200.") % {"status": status},
            )
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
        return body
    raise ElectionFetchError(DOWNLOAD_FAILED, _("Trop de redirections."))


def _too_large(max_bytes: int) -> ElectionFetchError:
    return ElectionFetchError(
        FILE_TOO_LARGE,
        _("Le fichier dépasse %(max)s Mo.") % {"max": max_bytes // (1024 * 1024)},
    )


def election_file_read(source: str) -> bytes:
    """The bytes of an https URL or a local path (an operator's command or task; never a path
    a web user typed). Any other scheme is refused."""
    if "://" in source or source.lower().startswith(("http:", "https:", "file:", "ftp:")):
        return election_file_download(source)
    max_bytes = settings.HEMICYCLE_ELECTION_MAX_BYTES
    path = Path(source)
    try:
        if path.stat().st_size > max_bytes:
            raise _too_large(max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise ElectionFetchError(
            FILE_UNREADABLE, _("Fichier illisible : %(path)s.") % {"path": source}
        ) from error
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data
