"""The YouTube Data API v3, through Google's own client libraries: permission (OAuth for an
installed app, its refresh token kept), a resumable upload that goes on from the byte
YouTube says it holds, and the calls that finish a lecture's video (captions, thumbnail,
playlist).

googleapiclient's `HttpRequest.next_chunk` already does the resuming: when a chunk's PUT
fails (a dropped connection, a 5xx) it marks the request as in error, and its next call
first asks the server how much it holds (`Content-Range: bytes */TOTAL`, answered 308 with
`Range: bytes=0-K`) and sends from byte K+1. So the loop here only decides whether to call
it again, and how long to wait first (`Retry`); it calls it with num_retries=0, because the
library's own retries would send the same chunk again without asking.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
from googleapiclient import discovery_cache
from googleapiclient.discovery import Resource, build, build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload, build_http
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from common.files import whole_or_absent
from publishing.usage import UsageError

# youtube.upload for videos.insert and thumbnails.set; captions.insert and the playlists
# need youtube.force-ssl (the scopes each method lists in the API's discovery document).
SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
]
SECRETS_VARIABLE = "MECHANICS_YOUTUBE_CLIENT_SECRETS"
TOKEN_VARIABLE = "MECHANICS_YOUTUBE_TOKEN"
# Where the API and the token endpoint are: unset for Google itself; the tests point it at
# their local server (google-auth always takes Google's token endpoint from a saved token).
API_ROOT_VARIABLE = "MECHANICS_YOUTUBE_API_ROOT"
CONSENT_SECONDS = 15 * 60  # how long the first run waits for the browser's answer
CHUNK_BYTES = 8 * 1024 * 1024  # a multiple of 256 KiB, as YouTube's resumable uploads need
TRANSIENT_STATUSES = {500, 502, 503, 504}
# thumbnails.set answers 403 when the channel may not set custom thumbnails
THUMBNAILS_FORBIDDEN = (
    "custom thumbnails need a channel verified by phone: https://www.youtube.com/verify"
)
# the project's daily quota (403), or the channel's uploads in 24 hours (400)
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"}
CHANNEL_LIMIT = "uploadLimitExceeded"
TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    ssl.SSLError,
    http.client.HTTPException,
    httplib2.HttpLib2Error,
    TransportError,
)


class YouTubeError(Exception):
    """YouTube refused a request for good: one line saying what it said."""


class QuotaExhausted(YouTubeError):
    """The project's daily quota (or the channel's upload limit) is used up."""


class GaveUp(YouTubeError):
    """A request kept failing for reasons that may pass (network, 5xx) until we stopped."""


def config_folder() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "mechanics-of-learning"


def default_client_secrets() -> Path:
    named = os.environ.get(SECRETS_VARIABLE)
    return Path(named) if named else config_folder() / "client_secret.json"


def default_token() -> Path:
    named = os.environ.get(TOKEN_VARIABLE)
    return Path(named) if named else config_folder() / "youtube-token.json"


def save_token(credentials: Credentials, token: Path) -> None:
    """The refresh token, readable by its owner only: it lets anyone upload to the channel."""
    token.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with whole_or_absent(token) as partial:
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        partial.write_text(credentials.to_json())


def saved_credentials(token: Path) -> Credentials | None:
    """The saved permission, refreshed when its access token has run out; None when there is
    none, or Google no longer honours it (revoked, expired), so the user is asked again."""
    try:
        credentials = Credentials.from_authorized_user_file(str(token), SCOPES)
    except (OSError, ValueError):
        return None
    root = os.environ.get(API_ROOT_VARIABLE)
    if root:  # a stand-in for Google (the tests' server) refreshes the token too
        credentials = credentials.with_token_uri(root.rstrip("/") + "/token")
    if credentials.valid:
        return credentials
    if not credentials.refresh_token:
        return None
    try:
        credentials.refresh(Request())
    except RefreshError:
        return None
    except TransportError as error:
        raise GaveUp(f"cannot reach Google to refresh the permission ({error})") from None
    save_token(credentials, token)
    return credentials


def credentials_for(secrets: Path, token: Path, say: Callable[[str], None]) -> Credentials:
    """Permission to upload to the user's channel: the saved one, else asked for once in a
    browser (Google's consent page, then back to a local port) and saved for next time."""
    credentials = saved_credentials(token)
    if credentials is not None:
        return credentials
    if not secrets.is_file():
        raise UsageError(
            f"no OAuth client secrets at {secrets}: download them from the Google Cloud "
            "console (README, 'Uploading to YouTube') and give --client-secrets FILE"
        )
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets), SCOPES)
    except (ValueError, KeyError, OSError) as error:
        raise UsageError(
            f"{secrets} is not an OAuth client secrets file for a Desktop app ({error}); "
            "download it again from the Google Cloud console"
        ) from None
    browser = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    try:
        credentials = flow.run_local_server(
            port=0,
            open_browser=browser,
            authorization_prompt_message="Open this address in a browser on this machine to "
            "let publish upload to your channel: {url}",
            success_message="publish may now upload to your channel; you can close this tab.",
            timeout_seconds=CONSENT_SECONDS,
        )
    except WSGITimeoutError:
        raise UsageError(
            f"no answer from the browser in {CONSENT_SECONDS // 60} minutes; run again and "
            "open the address it prints"
        ) from None
    except OAuth2Error as error:
        raise UsageError(
            f"Google gave no permission ({error.error}); run again and allow publish to "
            "upload to your channel"
        ) from None
    save_token(credentials, token)
    say(f"permission saved in {token} (mode 0600); next time no browser is needed")
    return credentials


def youtube_service(credentials: Credentials) -> Resource:
    """The API client; at $MECHANICS_YOUTUBE_API_ROOT when set (for uploads too: the client
    builds upload addresses from the discovery document's rootUrl, so that is replaced).
    Its transport is the library's own (`build_http`: a timeout, and 308 not taken for a
    redirect, since resumable uploads answer 308), with the credentials on each request."""
    transport = google_auth_httplib2.AuthorizedHttp(credentials, http=build_http())
    root = os.environ.get(API_ROOT_VARIABLE)
    if not root:
        return build("youtube", "v3", http=transport, static_discovery=True, cache_discovery=False)
    document = json.loads(discovery_cache.get_static_doc("youtube", "v3"))
    document["rootUrl"] = root.rstrip("/") + "/"
    return build_from_document(document, http=transport)


def error_reasons(error: HttpError) -> list[str]:
    """The `reason` of each of an API error's errors (e.g. quotaExceeded)."""
    try:
        body = json.loads(error.content.decode("utf-8"))
        return [item.get("reason", "") for item in body["error"].get("errors", [])]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return []


def error_message(error: HttpError) -> str:
    try:
        return json.loads(error.content.decode("utf-8"))["error"]["message"]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return error.resp.reason if error.resp is not None else str(error)


def transient(error: Exception) -> bool:
    if isinstance(error, HttpError):
        return error.resp is not None and error.resp.status in TRANSIENT_STATUSES
    return isinstance(error, TRANSIENT_ERRORS)


@dataclass
class Retry:
    """How often and how long to wait before trying again: exponential backoff with jitter,
    so many clients failing together do not come back together."""

    tries: int = 8
    first_wait: float = 1.0
    longest_wait: float = 64.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random  # in [0, 1)
    say: Callable[[str], None] = lambda line: None  # what failed, and the wait, in a line
    waits: list[float] = field(default_factory=list)  # every wait so far, for the record

    def wait(self, failures: int, why: str) -> None:
        base = min(self.longest_wait, self.first_wait * 2 ** (failures - 1))
        seconds = base * (0.5 + self.jitter())
        self.waits.append(seconds)
        self.say(f"{why}; trying again in {seconds:.1f} s (failure {failures} of {self.tries})")
        self.sleep(seconds)


def refused(error: HttpError, what: str, forbidden: str = "") -> YouTubeError:
    """The error to stop with: the quota's, or YouTube's message (and `forbidden`, what to
    do, when it answered 403)."""
    reasons = error_reasons(error)
    status = error.resp.status if error.resp is not None else None
    if status in (400, 403) and QUOTA_REASONS & set(reasons):
        return QuotaExhausted(next(reason for reason in reasons if reason in QUOTA_REASONS))
    hint = f" ({forbidden})" if status == 403 and forbidden else ""
    return YouTubeError(f"YouTube refused {what}: {error_message(error)}{hint}")


def call(request, what: str, retry: Retry, forbidden: str = ""):
    """Execute one API request, again after a transient failure; the response."""
    failures = 0
    while True:
        try:
            return request.execute(num_retries=0)
        except Exception as error:  # sorted by handle_failure: the rest are raised
            failures = handle_failure(error, what, failures, retry, forbidden)


def handle_failure(
    error: Exception, what: str, failures: int, retry: Retry, forbidden: str = ""
) -> int:
    """Wait after a transient failure and return the failures so far; raise otherwise."""
    if isinstance(error, HttpError) and not transient(error):
        raise refused(error, what, forbidden) from None
    if not transient(error):
        raise error
    failures += 1
    cause = f"HTTP {error.resp.status}" if isinstance(error, HttpError) else repr(error)
    if failures >= retry.tries:
        raise GaveUp(f"{what} failed {failures} times in a row (last: {cause})") from None
    retry.wait(failures, f"{what} failed ({cause})")
    return failures


def upload_video(
    youtube: Resource,
    video: Path,
    metadata: dict,
    retry: Retry,
    progress: Callable[[int, int], None],
    chunk_bytes: int = CHUNK_BYTES,
    session: str | None = None,
    on_session: Callable[[str | None], None] = lambda address: None,
) -> dict:
    """videos.insert as a resumable upload in chunks; the video resource YouTube returns.

    After a failure, the next `next_chunk` asks YouTube which bytes it holds and sends from
    there (see the module's docstring); the count of failures starts again after a chunk
    goes through, so a long upload over a flaky line is not given up for old failures.

    The upload session's address is handed to `on_session` as soon as YouTube gives it, so
    a later run can go on with it (`session`): it is then in the state the library keeps
    after a failure, so its first call asks YouTube what it holds. A session YouTube no
    longer knows (they last about a week) is started again from the first byte."""
    media = MediaFileUpload(str(video), mimetype="video/mp4", chunksize=chunk_bytes, resumable=True)
    request = youtube.videos().insert(
        part="snippet,status", body=metadata, media_body=media, notifySubscribers=False
    )
    if session is not None:
        request.resumable_uri = session
        request._in_error_state = True  # the library's own flag: ask before sending
    failures, response, known = 0, None, session
    while response is None:
        try:
            status, response = request.next_chunk(num_retries=0)
        except Exception as error:  # sorted by handle_failure
            if session is not None and request.resumable_uri == session and forgotten(error):
                request.resumable_uri, request.resumable_progress = None, 0
                request._in_error_state = False
                session = known = None
                on_session(None)
                continue
            failures = handle_failure(error, f"the upload of {video}", failures, retry)
            continue
        finally:
            if request.resumable_uri != known:
                known = request.resumable_uri
                on_session(known)
        failures = 0
        if status is not None:
            progress(status.resumable_progress, status.total_size)
    return response


def forgotten(error: Exception) -> bool:
    """Whether YouTube no longer knows an upload session (expired, or never finished)."""
    return (
        isinstance(error, HttpError) and error.resp is not None and error.resp.status in {404, 410}
    )


def add_captions(youtube: Resource, video_id: str, captions: Path, retry: Retry) -> dict:
    body = {"snippet": {"videoId": video_id, "language": "en", "name": "English"}}
    media = MediaFileUpload(str(captions), mimetype="application/octet-stream")
    request = youtube.captions().insert(part="snippet", body=body, media_body=media)
    return call(request, f"the captions {captions}", retry)


def set_thumbnail(youtube: Resource, video_id: str, image: Path, mime: str, retry: Retry) -> dict:
    media = MediaFileUpload(str(image), mimetype=mime)
    request = youtube.thumbnails().set(videoId=video_id, media_body=media)
    return call(request, f"the thumbnail {image}", retry, THUMBNAILS_FORBIDDEN)


def find_or_create_playlist(youtube: Resource, name: str, privacy: str, retry: Retry) -> str:
    """The id of the channel's playlist titled `name`, made when there is none."""
    token = None
    while True:
        request = youtube.playlists().list(
            part="snippet", mine=True, maxResults=50, pageToken=token
        )
        page = call(request, "the list of your playlists", retry)
        for playlist in page.get("items", []):
            if playlist["snippet"]["title"] == name:
                return playlist["id"]
        token = page.get("nextPageToken")
        if not token:
            break
    body = {"snippet": {"title": name}, "status": {"privacyStatus": privacy}}
    request = youtube.playlists().insert(part="snippet,status", body=body)
    return call(request, f"the playlist {name!r}", retry)["id"]


def add_to_playlist(youtube: Resource, playlist_id: str, video_id: str, retry: Retry) -> str:
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }
    request = youtube.playlistItems().insert(part="snippet", body=body)
    return call(request, f"adding video {video_id} to the playlist", retry)["id"]
