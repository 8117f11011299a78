"""A local stand-in for YouTube's Data API v3, as much of it as publish uses, for the tests.

    python tests/youtube_server.py   # prints its port on the first line, then serves

It speaks the protocol the Google client library speaks to YouTube: OAuth's token endpoint
(refresh), resumable uploads (a POST opening a session, PUTs of chunks with Content-Range
answered 308 with Range until the last, status queries `Content-Range: bytes */TOTAL`),
multipart captions.insert, thumbnails.set, playlists list/insert and playlistItems.insert.
It records what it received (GET /_state) so a test can check the bytes it assembled, and
faults can be planted (POST /_faults): drop the connection after K bytes of a chunk, answer
chunks 503, refuse a videos.insert with 403 quotaExceeded or 400 uploadLimitExceeded,
refuse thumbnails (403), keep uploads private, forget the upload sessions.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import itertools
import json
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFRESH_TOKEN = "refresh-token-of-the-test"
CODE = "consent-code-of-the-test"  # what Google's consent page hands back to the local port
SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
]
ACCESS_TOKEN = "access-token-{}"
CONTENT_RANGE_QUERY = "bytes */"

lock = threading.Lock()
numbers = itertools.count(1)
state: dict = {
    "tokens_issued": 0,
    "grants": [],  # the grant_type of each token issued
    "requests": [],  # [method, path] of every API request
    "unauthorized": 0,
    "sessions": {},  # upload id: {total, metadata, received (bytes), puts, status_queries}
    "videos": {},  # video id: {metadata, sha256, bytes}
    "video_inserts": 0,
    "captions": [],
    "thumbnails": [],
    "playlists": [],
    "playlist_items": [],
}
faults: dict = {
    "drop": None,  # {"put": n, "after": K}: the n-th chunk PUT (1-based) dies after K bytes
    "unavailable": 0,  # answer this many chunk PUTs 503 (taking none of their bytes)
    "quota_on_insert": None,  # the n-th videos.insert is refused: 403 quotaExceeded
    "limit_on_insert": None,  # the n-th videos.insert is refused: 400 uploadLimitExceeded
    "keep_private": False,  # answer every upload privacyStatus "private", as Google's audit
    "thumbnails_forbidden": False,  # thumbnails.set answers 403, as for an unverified channel
}
chunk_puts = itertools.count(1)


def public_state() -> dict:
    """The record, with each session's bytes as their count and SHA-256."""
    sessions = {
        upload_id: {
            **{k: v for k, v in session.items() if k != "received"},
            "received_bytes": len(session["received"]),
            "received_sha256": hashlib.sha256(session["received"]).hexdigest(),
        }
        for upload_id, session in state["sessions"].items()
    }
    return {**state, "sessions": sessions}


def api_error(status: int, reason: str, message: str) -> dict:
    return {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the tests read /_state
        pass

    # --- plumbing ---

    def reply(self, status: int, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def split(self) -> tuple[str, dict]:
        parsed = urllib.parse.urlsplit(self.path)
        return parsed.path, dict(urllib.parse.parse_qsl(parsed.query))

    def authorized(self) -> bool:
        given = self.headers.get("Authorization", "")
        issued = {f"Bearer {ACCESS_TOKEN.format(n)}" for n in range(1, state["tokens_issued"] + 1)}
        if given in issued:
            return True
        state["unauthorized"] += 1
        self.reply(401, api_error(401, "authError", "Invalid Credentials"))
        return False

    def drop_connection(self) -> None:
        """Reset the connection, as a network that fails mid-upload does: no response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    # --- verbs ---

    def do_GET(self):
        path, query = self.split()
        if path == "/_state":
            with lock:
                return self.reply(200, public_state())
        with lock:
            state["requests"].append(["GET", path])
            if not self.authorized():
                return
            if path.endswith("/youtube/v3/playlists"):
                return self.reply(200, {"items": state["playlists"]})
        self.reply(404, api_error(404, "notFound", f"no GET {path}"))

    def do_POST(self):
        path, query = self.split()
        if path == "/_faults":
            with lock:
                planted = json.loads(self.body())
                if planted.pop("forget_sessions", False):  # as YouTube after a week
                    state["sessions"].clear()
                faults.update(planted)
                return self.reply(200, faults)
        if path == "/token":
            return self.token()
        body = self.body()
        with lock:
            state["requests"].append(["POST", path])
            if not self.authorized():
                return
            if path.endswith("/upload/youtube/v3/videos"):
                return self.open_session(query, body)
            if path.endswith("/upload/youtube/v3/captions"):
                return self.caption(body)
            if path.endswith("/upload/youtube/v3/thumbnails/set"):
                return self.thumbnail(query, body)
            if path.endswith("/youtube/v3/playlists"):
                return self.new_playlist(body)
            if path.endswith("/youtube/v3/playlistItems"):
                return self.playlist_item(body)
        self.reply(404, api_error(404, "notFound", f"no POST {path}"))

    def do_PUT(self):
        path, query = self.split()
        with lock:
            state["requests"].append(["PUT", path])
            if not self.authorized():
                self.body()
                return
            session = state["sessions"].get(query.get("upload_id", ""))
            if session is None:
                self.body()
                return self.reply(404, api_error(404, "notFound", "no such upload session"))
        self.chunk(session)

    # --- the API ---

    def token(self):
        """OAuth's token endpoint: a refresh, or the first exchange of a consent's code."""
        form = dict(urllib.parse.parse_qsl(self.body().decode()))
        refresh = form.get("grant_type") == "refresh_token"
        if refresh and form.get("refresh_token") == REFRESH_TOKEN:
            answer = {}
        elif form.get("grant_type") == "authorization_code" and form.get("code") == CODE:
            answer = {"refresh_token": REFRESH_TOKEN, "scope": " ".join(SCOPES)}
        else:
            return self.reply(400, {"error": "invalid_grant"})
        with lock:
            state["tokens_issued"] += 1
            state["grants"].append(form["grant_type"])
            token = ACCESS_TOKEN.format(state["tokens_issued"])
        answer |= {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        self.reply(200, answer)

    def open_session(self, query: dict, body: bytes):
        if query.get("uploadType") != "resumable":
            return self.reply(400, api_error(400, "badRequest", "publish uploads resumably"))
        state["video_inserts"] += 1
        if faults["quota_on_insert"] == state["video_inserts"]:
            return self.reply(
                403,
                api_error(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your quota.",
                ),
            )
        if faults["limit_on_insert"] == state["video_inserts"]:
            message = "The user has exceeded the number of videos they may upload."
            return self.reply(400, api_error(400, "uploadLimitExceeded", message))
        upload_id = f"upload-{next(numbers)}"
        state["sessions"][upload_id] = {
            "total": int(self.headers["X-Upload-Content-Length"]),
            "content_type": self.headers.get("X-Upload-Content-Type"),
            "metadata": json.loads(body),
            "query": query,
            "received": b"",
            "puts": [],  # each chunk PUT: [first byte, bytes it carried to us, what we did]
            "status_queries": 0,
            "video_id": None,
        }
        host = self.headers["Host"]
        location = (
            f"http://{host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
        )
        self.reply(200, headers={"Location": location})

    def progress_reply(self, session: dict):
        """308 with the bytes held so far, or the video once all are there."""
        held = len(session["received"])
        if held < session["total"]:
            headers = {"Range": f"bytes=0-{held - 1}"} if held else {}
            return self.reply(308, headers=headers)
        if session["video_id"] is None:
            video_id = f"video{next(numbers)}"
            session["video_id"] = video_id
            state["videos"][video_id] = {
                "metadata": session["metadata"],
                "bytes": held,
                "sha256": hashlib.sha256(session["received"]).hexdigest(),
            }
        status = dict(session["metadata"].get("status", {}))
        if faults["keep_private"]:
            status["privacyStatus"] = "private"
        video = {"kind": "youtube#video", "id": session["video_id"]}
        self.reply(201, {**video, "snippet": session["metadata"]["snippet"], "status": status})

    def chunk(self, session: dict):
        content_range = self.headers.get("Content-Range", "")
        length = int(self.headers.get("Content-Length") or 0)
        if content_range.startswith(CONTENT_RANGE_QUERY):
            with lock:
                session["status_queries"] += 1
                return self.progress_reply(session)
        first = int(content_range.removeprefix("bytes ").split("-")[0])
        number = next(chunk_puts)
        with lock:
            drop = faults["drop"]
            if drop and drop["put"] == number:
                faults["drop"] = None
                part = self.rfile.read(drop["after"])
                session["received"] += part
                session["puts"].append([first, len(part), "dropped"])
                return self.drop_connection()
            if faults["unavailable"] > 0:
                faults["unavailable"] -= 1
                self.rfile.read(length)
                session["puts"].append([first, 0, "503"])
                return self.reply(503, api_error(503, "backendError", "Backend Error"))
        data = self.rfile.read(length)
        with lock:
            if first != len(session["received"]):
                session["puts"].append([first, len(data), "misplaced"])
                return self.reply(400, api_error(400, "badRequest", "chunk not at the held end"))
            session["received"] += data
            session["puts"].append([first, len(data), "kept"])
            self.progress_reply(session)

    def caption(self, body: bytes):
        parts = multipart(self.headers["Content-Type"], body)
        snippet = json.loads(parts[0])["snippet"]
        caption_id = f"caption{next(numbers)}"
        state["captions"].append(
            {**snippet, "id": caption_id, "sha256": hashlib.sha256(parts[1]).hexdigest()}
        )
        self.reply(200, {"kind": "youtube#caption", "id": caption_id, "snippet": snippet})

    def thumbnail(self, query: dict, body: bytes):
        if faults["thumbnails_forbidden"]:
            message = (
                "The authenticated user doesn't have permissions to upload and set custom "
                "video thumbnails."
            )
            return self.reply(403, api_error(403, "forbidden", message))
        record = {
            "videoId": query.get("videoId"),
            "content_type": self.headers.get("Content-Type"),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        state["thumbnails"].append(record)
        self.reply(200, {"kind": "youtube#thumbnailSetResponse", "items": [{}]})

    def new_playlist(self, body: bytes):
        request = json.loads(body)
        playlist = {
            "id": f"playlist{next(numbers)}",
            "snippet": request["snippet"],
            "status": request.get("status", {}),
        }
        state["playlists"].append(playlist)
        self.reply(200, playlist)

    def playlist_item(self, body: bytes):
        snippet = json.loads(body)["snippet"]
        item = {"id": f"item{next(numbers)}", "snippet": snippet}
        state["playlist_items"].append(item)
        self.reply(200, item)


def multipart(content_type: str, body: bytes) -> list[bytes]:
    """The parts of a multipart/related body, as the client library writes them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    return [part.get_payload(decode=True) for part in message.iter_parts()]


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
