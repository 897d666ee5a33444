"""A Gmail IMAP emulator on a loopback port: the test peer for Atrium's Gmail sync, since Gmail cannot run here.

It speaks real IMAP over a socket and behaves like Gmail where Atrium depends on it, following Google's
"IMAP Extensions" page and RFC 3501/7162:

- CAPABILITY after login advertises X-GM-EXT-1, CONDSTORE, UIDPLUS, MOVE, SPECIAL-USE, ENABLE, IDLE (no
  QRESYNC: Gmail has none). The greeting is `* OK Gimap ready`.
- One store of messages per user; folders are views of it. `[Gmail]/All Mail` (\\All) holds every message
  not in Trash or Spam; `INBOX`, `[Gmail]/Sent Mail` (\\Sent), `[Gmail]/Drafts` (\\Drafts),
  `[Gmail]/Important` (\\Important), `[Gmail]/Starred` (\\Flagged) and every user label are the messages
  carrying that label; `[Gmail]/Trash` (\\Trash) and `[Gmail]/Spam` (\\Junk) hold what was moved there;
  `[Gmail]` itself is \\Noselect. Each folder numbers its messages with UIDs of its own.
- FETCH X-GM-MSGID, X-GM-THRID (64-bit numbers) and X-GM-LABELS: system labels as atoms (\\Inbox \\Sent
  \\Draft \\Important), user labels as astrings, quoted when they are not atoms, modified UTF-7 beyond ASCII.
  A message's labels never include the folder \\All; starred is the \\Flagged flag (storing the label
  \\Starred sets it), so `[Gmail]/Starred` shows the flagged messages. UID STORE +X-GM-LABELS / -X-GM-LABELS /
  X-GM-LABELS (and .SILENT) change them; a label that does not exist yet is created (it shows up in LIST).
  Every change of flags or labels bumps the message's MODSEQ (Gmail's MODSEQ is per account), so CHANGEDSINCE
  reports label changes.
- APPEND to a folder adds the label of that folder; appending a message whose Message-ID is already in the
  account adds the label to the existing message instead of storing a copy (Gmail's de-duplication).
- Threads: a message that refers (In-Reply-To/References) to a message of the account joins its thread;
  otherwise one with the same subject (Re:/Fwd: removed) among the account's messages, as Gmail groups
  conversations; otherwise it starts a thread whose X-GM-THRID is its own X-GM-MSGID.
- EXPUNGE (and UID EXPUNGE) of a \\Deleted message removes the label of the selected folder (Gmail's default
  "archive" behaviour); in All Mail it moves the message to Trash; in Trash or Spam it deletes it for good.
- COPY / MOVE (with COPYUID): into Trash or Spam moves the message there, into All Mail takes it out of them,
  into a label folder adds the label; MOVE out of a label folder also removes that label (out of All Mail it
  removes nothing: a message is always in one of All Mail, Trash, Spam). RENAME renames a label on every
  message (and its sub-labels); DELETE removes it from every message.

Limits (what the tests do not need, and so is not here): no TLS, no AUTHENTICATE (LOGIN only), no COMPRESS,
no SEARCH beyond ALL / UID sets / X-GM-MSGID / X-GM-THRID, no X-GM-RAW, no BODYSTRUCTURE/ENVELOPE, no
partial fetches; sessions are not told about changes made by other sessions (no unsolicited EXISTS/EXPUNGE,
IDLE just waits for DONE), and sequence numbers are the current order of UIDs. The test helpers change
UIDVALIDITY (`uid_validity_reset`) the way Gmail does after a server-side rebuild of a folder.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

from imapclient.imap_utf7 import decode as utf7_decode
from imapclient.imap_utf7 import encode as utf7_encode

ALL_MAIL = "[Gmail]/All Mail"
TRASH = "[Gmail]/Trash"
SPAM = "[Gmail]/Spam"
# Folders that show one system label, with their special-use attribute.
SYSTEM_FOLDERS = {
    "INBOX": ("\\Inbox", ""),
    "[Gmail]/Sent Mail": ("\\Sent", "\\Sent"),
    "[Gmail]/Drafts": ("\\Draft", "\\Drafts"),
    "[Gmail]/Important": ("\\Important", "\\Important"),
    "[Gmail]/Starred": ("\\Starred", "\\Flagged"),
}
CAPABILITIES_BEFORE_LOGIN = "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 AUTH=PLAIN"
CAPABILITIES = (
    "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS ENABLE MOVE CONDSTORE "
    "ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584"
)
SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?)\s*:\s*)+", re.IGNORECASE)
ATOM_SPECIALS = re.compile(rb'[\x00-\x20\x7f-\xff(){%*"\\\]]')
LITERAL_AT_END = re.compile(rb"\{(\d+)(\+?)\}$")


class ImapError(Exception):
    """Answered as `tag NO text` (or BAD when `bad`)."""

    def __init__(self, text: str, *, bad: bool = False) -> None:
        super().__init__(text)
        self.bad = bad


@dataclass
class GmailMessage:
    msgid: int
    thrid: int
    raw: bytes
    internal_date: datetime
    flags: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    # "all", "trash" or "spam": where the message is; labels stay on it in Trash, as on Gmail.
    place: str = "all"
    modseq: int = 0
    message_id: str = ""
    references: list[str] = field(default_factory=list)
    subject_key: str = ""


@dataclass
class FolderView:
    uid_validity: int
    uid_next: int = 1
    uids: dict[int, int] = field(default_factory=dict)  # msgid -> uid


class GmailUser:
    """One Gmail account: its messages, its labels and the UID numbering of every folder."""

    def __init__(self, password: str, msgid_start: int) -> None:
        self.password = password
        self.messages: dict[int, GmailMessage] = {}
        self.user_labels: set[str] = set()
        self.views: dict[str, FolderView] = {}
        self.modseq = 1
        self._msgids = itertools.count(msgid_start, 7919)
        self._validities = itertools.count(1)

    # --- folders and what is in them --------------------------------------------------------------------------
    def folder_names(self) -> list[str]:
        return [*SYSTEM_FOLDERS, ALL_MAIL, TRASH, SPAM, *sorted(self.user_labels)]

    def folder_exists(self, name: str) -> bool:
        return name in self.folder_names()

    def members(self, name: str) -> list[GmailMessage]:
        """The messages a folder shows."""
        if name == ALL_MAIL:
            shown = [message for message in self.messages.values() if message.place == "all"]
        elif name == TRASH:
            shown = [message for message in self.messages.values() if message.place == "trash"]
        elif name == SPAM:
            shown = [message for message in self.messages.values() if message.place == "spam"]
        elif name == "[Gmail]/Starred":
            shown = [
                message for message in self.messages.values() if message.place == "all" and "\\Flagged" in message.flags
            ]
        else:
            label = label_of_folder(name)
            shown = [
                message for message in self.messages.values() if message.place == "all" and label in message.labels
            ]
        return sorted(shown, key=lambda message: message.msgid)

    def view(self, name: str) -> FolderView:
        if name not in self.views:
            self.views[name] = FolderView(uid_validity=next(self._validities))
        return self.views[name]

    def numbered(self, name: str) -> list[tuple[int, GmailMessage]]:
        """(uid, message) of a folder, ascending: a message new to the folder gets the next UID."""
        view = self.view(name)
        members = self.members(name)
        present = {message.msgid for message in members}
        for msgid in [msgid for msgid in view.uids if msgid not in present]:
            del view.uids[msgid]
        for message in members:
            if message.msgid not in view.uids:
                view.uids[message.msgid] = view.uid_next
                view.uid_next += 1
        return sorted(((view.uids[message.msgid], message) for message in members), key=_first)

    def uid_validity_reset(self, name: str) -> None:
        """Gmail renumbers a folder now and then: a new UIDVALIDITY and new UIDs."""
        old = self.view(name)
        self.views[name] = FolderView(uid_validity=old.uid_validity + 1000)

    # --- changes ----------------------------------------------------------------------------------------------
    def touch(self, message: GmailMessage) -> None:
        self.modseq += 1
        message.modseq = self.modseq

    def append(self, folder: str, raw: bytes, flags: set[str], internal_date: datetime | None) -> GmailMessage:
        parsed = message_from_bytes(raw, policy=policy.compat32)
        message_id = _ids(parsed.get("Message-ID", ""))
        existing = next(
            (item for item in self.messages.values() if message_id and item.message_id == message_id[0]), None
        )
        if existing is None:
            existing = self._store_new(raw, parsed, message_id, flags, internal_date)
        else:
            existing.flags |= flags
        self._file_into(existing, folder)
        self.touch(existing)
        return existing

    def _store_new(
        self, raw: bytes, parsed: Any, message_id: list[str], flags: set[str], internal_date: datetime | None
    ) -> GmailMessage:
        msgid = next(self._msgids)
        references = _ids(parsed.get("References", "")) + _ids(parsed.get("In-Reply-To", ""))
        subject_key = SUBJECT_PREFIX.sub("", str(parsed.get("Subject", ""))).strip().lower()
        message = GmailMessage(
            msgid=msgid,
            thrid=self._thread_of(references, subject_key) or msgid,
            raw=raw,
            internal_date=internal_date or _date_of(parsed),
            flags=set(flags),
            message_id=message_id[0] if message_id else "",
            references=references,
            subject_key=subject_key,
        )
        self.messages[msgid] = message
        return message

    def _thread_of(self, references: list[str], subject_key: str) -> int | None:
        for message in self.messages.values():
            if message.message_id and message.message_id in references:
                return message.thrid
        for message in self.messages.values():
            if subject_key and message.subject_key == subject_key:
                return message.thrid
        return None

    def _file_into(self, message: GmailMessage, folder: str) -> None:
        if folder == TRASH:
            message.place = "trash"
        elif folder == SPAM:
            message.place = "spam"
        elif folder != ALL_MAIL:
            self.labels_change(message, add={label_of_folder(folder)}, remove=set())

    def labels_change(self, message: GmailMessage, *, add: set[str], remove: set[str]) -> None:
        for label in add | remove:
            if label in {"\\Trash", "\\Spam"}:
                message.place = "trash" if label == "\\Trash" else "spam"
                if label in remove:
                    message.place = "all"
                continue
            if label == "\\Starred":
                (message.flags.add if label in add else message.flags.discard)("\\Flagged")
            elif label in add:
                message.labels.add(label)
                if not label.startswith("\\"):
                    self.user_labels.add(label)
            else:
                message.labels.discard(label)
        self.touch(message)

    def flags_change(self, message: GmailMessage, mode: str, flags: set[str]) -> None:
        if mode == "+":
            message.flags |= flags
        elif mode == "-":
            message.flags -= flags
        else:
            message.flags = set(flags)
        self.touch(message)

    def copy_into(self, message: GmailMessage, folder: str) -> None:
        """COPY on Gmail: into Trash or Spam moves the message there; into All Mail takes it out of them; into a
        label folder adds the label (and takes it out of Trash or Spam)."""
        if folder in {TRASH, SPAM}:
            message.place = "trash" if folder == TRASH else "spam"
        else:
            message.place = "all"
            if folder != ALL_MAIL:
                self.labels_change(message, add={label_of_folder(folder)}, remove=set())
        self.touch(message)

    def leave(self, message: GmailMessage, folder: str) -> None:
        """The second half of MOVE: leaving a label folder removes its label; leaving All Mail, Trash or Spam is
        done by the copy already (a message is always in exactly one of them)."""
        if folder not in {ALL_MAIL, TRASH, SPAM}:
            self.labels_change(message, add=set(), remove={label_of_folder(folder)})

    def expunge(self, folder: str, uids: set[int] | None = None) -> list[int]:
        """Remove the \\Deleted messages (of `uids`, or all) from `folder` the way Gmail does; returns their UIDs."""
        gone = []
        for uid, message in self.numbered(folder):
            if "\\Deleted" not in message.flags or (uids is not None and uid not in uids):
                continue
            gone.append(uid)
            message.flags.discard("\\Deleted")
            if folder in {TRASH, SPAM}:
                del self.messages[message.msgid]
                continue
            if folder == ALL_MAIL:
                message.place = "trash"
            else:
                self.leave(message, folder)
            self.touch(message)
        return gone

    def labels_of(self, message: GmailMessage) -> list[str]:
        return sorted(message.labels)


def label_of_folder(name: str) -> str:
    if name.upper() == "INBOX":
        return "\\Inbox"
    return SYSTEM_FOLDERS[name][0] if name in SYSTEM_FOLDERS else name


def _first(pair: tuple[int, GmailMessage]) -> int:
    return pair[0]


def _ids(header: Any) -> list[str]:
    return re.findall(r"<[^<>\s]+>", str(header or ""))


def _date_of(parsed: Any) -> datetime:
    try:
        value = parsedate_to_datetime(str(parsed.get("Date", "")))
    except (TypeError, ValueError):
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- the wire ---------------------------------------------------------------------------------------------------
class Literal(bytes):
    """A literal read off the wire: a string, never an atom."""


class Quoted(bytes):
    """A quoted string read off the wire: a string, never an atom."""


def tokenize(data: bytes) -> list[Any]:
    """An IMAP command line (literals already substituted) as nested lists of bytes tokens."""
    stack: list[list[Any]] = [[]]
    position = 0
    while position < len(data):
        char = data[position : position + 1]
        if char == b" ":
            position += 1
        elif char == b"(":
            stack.append([])
            position += 1
        elif char == b")":
            if len(stack) == 1:
                raise ImapError("unbalanced parenthesis", bad=True)
            done = stack.pop()
            stack[-1].append(done)
            position += 1
        elif char == b'"':
            position, value = _quoted(data, position)
            stack[-1].append(Quoted(value))
        elif char == b"\x00":
            # A literal placeholder: \x00<index>\x00
            end = data.index(b"\x00", position + 1)
            stack[-1].append(("literal", int(data[position + 1 : end])))
            position = end + 1
        else:
            position, atom = _atom(data, position)
            stack[-1].append(atom)
    if len(stack) != 1:
        raise ImapError("unbalanced parenthesis", bad=True)
    return stack[0]


def _quoted(data: bytes, position: int) -> tuple[int, bytes]:
    value = bytearray()
    position += 1
    while position < len(data):
        char = data[position]
        if char == 0x5C:  # backslash escapes the next character
            value.append(data[position + 1])
            position += 2
            continue
        if char == 0x22:
            return position + 1, bytes(value)
        value.append(char)
        position += 1
    raise ImapError("unterminated string", bad=True)


def _atom(data: bytes, position: int) -> tuple[int, bytes]:
    """An atom; a `[...]` section inside it (BODY.PEEK[HEADER.FIELDS (SUBJECT)]) may hold spaces and parentheses."""
    start = position
    depth = 0
    while position < len(data):
        char = data[position : position + 1]
        if char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
        elif depth == 0 and char in (b" ", b"(", b")"):
            break
        position += 1
    return position, data[start:position]


def astring(value: str) -> bytes:
    encoded = utf7_encode(value)
    if encoded and not ATOM_SPECIALS.search(encoded) and not encoded.isdigit():
        return encoded
    return b'"' + encoded.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def label_atom(label: str) -> bytes:
    """How Gmail writes a label in X-GM-LABELS: system labels as atoms, others as astrings."""
    if label.startswith("\\") and label[1:].isalpha():
        return label.encode()
    return astring(label)


def token_text(token: Any) -> str:
    if isinstance(token, bytes):
        return utf7_decode(bytes(token)) if not isinstance(token, Literal) else token.decode("utf-8", "replace")
    raise ImapError("a string was expected", bad=True)


def uid_set_parse(text: bytes, highest: int) -> set[int] | None:
    """A sequence set as numbers, `*` as the highest; None for `n:*` above everything (an empty answer)."""
    numbers: set[int] = set()
    for part in text.decode().split(","):
        low_text, _, high_text = part.partition(":")
        low = highest if low_text == "*" else int(low_text)
        high = low if not high_text else (highest if high_text == "*" else int(high_text))
        low, high = min(low, high), max(low, high)
        numbers.update(range(low, high + 1))
    return numbers


class GmailEmulator:
    """The emulator's state (users) and its listening socket; `port` is a free loopback port."""

    def __init__(self) -> None:
        self.users: dict[str, GmailUser] = {}
        self.lock = threading.RLock()
        self._user_count = itertools.count(1)
        emulator = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                Session(emulator, self.rfile, self.wfile).serve()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.host = "127.0.0.1"
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> GmailEmulator:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def user_add(self, username: str, password: str) -> GmailUser:
        with self.lock:
            user = GmailUser(password, msgid_start=1_600_000_000_000_000_000 + next(self._user_count) * 10**12)
            self.users[username] = user
            return user


class Session:
    """One IMAP connection."""

    def __init__(self, emulator: GmailEmulator, reader: Any, writer: Any) -> None:
        self.emulator = emulator
        self.reader = reader
        self.writer = writer
        self.user: GmailUser | None = None
        self.selected: str | None = None
        self.read_only = True
        self.condstore = False

    def send(self, line: bytes) -> None:
        self.writer.write(line + b"\r\n")
        self.writer.flush()

    def serve(self) -> None:
        self.send(b"* OK Gimap ready for requests from 127.0.0.1")
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                command = self._read_command()
                if command is None or not self._dispatch(*command):
                    return

    def _read_command(self) -> tuple[bytes, list[Any], list[bytes]] | None:
        """One command: its line with literals replaced by placeholders, split into tokens, and the literals."""
        line = self.reader.readline()
        if not line:
            return None
        literals: list[bytes] = []
        line = line.rstrip(b"\r\n")
        parts = [line]
        while match := LITERAL_AT_END.search(parts[-1]):
            size = int(match.group(1))
            if not match.group(2):
                self.send(b"+ go ahead")
            literal = self.reader.read(size)
            parts[-1] = parts[-1][: match.start()] + b"\x00%d\x00" % len(literals)
            literals.append(Literal(literal))
            parts.append(self.reader.readline().rstrip(b"\r\n"))
        whole = b"".join(parts)
        tag, _, rest = whole.partition(b" ")
        try:
            tokens = tokenize(rest)
        except ImapError:
            tokens = []
        return tag, tokens, literals

    def _dispatch(self, tag: bytes, tokens: list[Any], literals: list[bytes]) -> bool:
        tokens = [literals[token[1]] if isinstance(token, tuple) else token for token in tokens]
        if not tokens or not isinstance(tokens[0], bytes):
            self.send(tag + b" BAD command expected")
            return True
        name = tokens[0].upper().decode()
        arguments = tokens[1:]
        if name == "UID" and arguments:
            name = "UID " + bytes(arguments[0]).upper().decode()
            arguments = arguments[1:]
        handler = COMMANDS.get(name)
        if handler is None:
            self.send(tag + b" BAD unknown command")
            return True
        if name not in OPEN_COMMANDS and self.user is None:
            self.send(tag + b" NO not logged in")
            return True
        try:
            with self.emulator.lock:
                text = handler(self, tag, arguments)
        except ImapError as exc:
            self.send(tag + (b" BAD " if exc.bad else b" NO ") + str(exc).encode())
            return True
        except (ValueError, IndexError, KeyError, TypeError) as exc:
            self.send(tag + b" BAD " + f"cannot parse: {exc}".encode())
            return True
        if text is None:
            return False
        self.send(tag + b" OK " + text.encode())
        return True

    def _current(self) -> tuple[GmailUser, str]:
        if self.user is None or self.selected is None:
            raise ImapError("no folder selected", bad=True)
        return self.user, self.selected

    # --- commands ---------------------------------------------------------------------------------------------
    def capability(self, tag: bytes, arguments: list[Any]) -> str:
        self.send(b"* CAPABILITY " + (CAPABILITIES if self.user else CAPABILITIES_BEFORE_LOGIN).encode())
        return "Success"

    def login(self, tag: bytes, arguments: list[Any]) -> str:
        username, password = token_text(arguments[0]), token_text(arguments[1])
        user = self.emulator.users.get(username)
        if user is None or user.password != password:
            raise ImapError("[AUTHENTICATIONFAILED] Invalid credentials (Failure)")
        self.user = user
        return f"[CAPABILITY {CAPABILITIES}] {username} authenticated (Success)"

    def logout(self, tag: bytes, arguments: list[Any]) -> None:
        self.send(b"* BYE LOGOUT Requested")
        self.send(tag + b" OK 73 good day (Success)")
        return None

    def noop(self, tag: bytes, arguments: list[Any]) -> str:
        return "Success"

    def enable(self, tag: bytes, arguments: list[Any]) -> str:
        enabled = [bytes(item).upper() for item in arguments if bytes(item).upper() == b"CONDSTORE"]
        self.condstore = self.condstore or bool(enabled)
        self.send(b"* ENABLED " + b" ".join(enabled))
        return "Success"

    def namespace(self, tag: bytes, arguments: list[Any]) -> str:
        self.send(b'* NAMESPACE (("" "/")) NIL NIL')
        return "Success"

    def list_(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        reference, pattern = token_text(arguments[-2]), token_text(arguments[-1])
        matcher = re.compile("^" + re.escape(reference + pattern).replace(r"\*", ".*").replace("%", "[^/]*") + "$")
        names = ["[Gmail]", *user.folder_names()]
        for name in names:
            if matcher.match(name):
                self.send(b"* LIST (" + " ".join(_folder_attributes(user, name)).encode() + b') "/" ' + astring(name))
        return "Success"

    def select(self, tag: bytes, arguments: list[Any]) -> str:
        return self._open(arguments, read_only=False)

    def examine(self, tag: bytes, arguments: list[Any]) -> str:
        return self._open(arguments, read_only=True)

    def _open(self, arguments: list[Any], *, read_only: bool) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        name = _canonical(token_text(arguments[0]))
        if not user.folder_exists(name):
            self.selected = None
            raise ImapError("[NONEXISTENT] Unknown Mailbox: " + name + " (Failure)")
        if len(arguments) > 1:
            self.condstore = True
        numbered = user.numbered(name)
        view = user.view(name)
        self.send(b"* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)")
        self.send(b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing \\*)]")
        self.send(b"* OK [UIDVALIDITY %d] UIDs valid." % view.uid_validity)
        self.send(b"* %d EXISTS" % len(numbered))
        self.send(b"* 0 RECENT")
        self.send(b"* OK [UIDNEXT %d] Predicted next UID." % view.uid_next)
        self.send(b"* OK [HIGHESTMODSEQ %d]" % user.modseq)
        self.selected = name
        self.read_only = read_only
        return ("[READ-ONLY]" if read_only else "[READ-WRITE]") + f" {name} selected. (Success)"

    def status(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        name = _canonical(token_text(arguments[0]))
        if not user.folder_exists(name):
            raise ImapError("[NONEXISTENT] Unknown Mailbox: " + name + " (Failure)")
        numbered = user.numbered(name)
        view = user.view(name)
        values = {
            "MESSAGES": len(numbered),
            "RECENT": 0,
            "UIDNEXT": view.uid_next,
            "UIDVALIDITY": view.uid_validity,
            "UNSEEN": sum(1 for _, message in numbered if "\\Seen" not in message.flags),
            "HIGHESTMODSEQ": user.modseq,
        }
        items = [bytes(item).upper().decode() for item in arguments[1]]
        answer = " ".join(f"{item} {values[item]}" for item in items)
        self.send(b"* STATUS " + astring(name) + b" (" + answer.encode() + b")")
        return "Success"

    def create(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        name = token_text(arguments[0]).rstrip("/")
        if user.folder_exists(name) or name.startswith("[Gmail]"):
            raise ImapError("[ALREADYEXISTS] Duplicate folder name " + name + " (Failure)")
        user.user_labels.add(name)
        return "Success"

    def delete(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        name = token_text(arguments[0])
        if name not in user.user_labels:
            raise ImapError("[NONEXISTENT] Unknown Mailbox or system folder: " + name + " (Failure)")
        user.user_labels.discard(name)
        user.views.pop(name, None)
        for message in user.messages.values():
            if name in message.labels:
                user.labels_change(message, add=set(), remove={name})
        return "Success"

    def append(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        name = _canonical(token_text(arguments[0]))
        if not user.folder_exists(name):
            raise ImapError("[TRYCREATE] Folder doesn't exist. (Failure)")
        flags: set[str] = set()
        internal_date = None
        for argument in arguments[1:-1]:
            if isinstance(argument, list):
                flags = {bytes(flag).decode() for flag in argument}
            else:
                internal_date = datetime.strptime(bytes(argument).decode(), "%d-%b-%Y %H:%M:%S %z")
        message = user.append(name, bytes(arguments[-1]), flags, internal_date)
        uid = dict((stored.msgid, uid) for uid, stored in user.numbered(name))[message.msgid]
        return f"[APPENDUID {user.view(name).uid_validity} {uid}] (Success)"

    def search(self, tag: bytes, arguments: list[Any], *, by_uid: bool = False) -> str:
        user, folder = self._current()
        numbered = user.numbered(folder)
        found = set(range(len(numbered)))
        words = [bytes(item) for item in arguments]
        while words:
            word = words.pop(0).upper()
            if word == b"ALL":
                continue
            if word == b"UID":
                wanted = uid_set_parse(words.pop(0), numbered[-1][0] if numbered else 0) or set()
                found &= {index for index, (uid, _) in enumerate(numbered) if uid in wanted}
            elif word in (b"X-GM-MSGID", b"X-GM-THRID"):
                number = int(words.pop(0))
                attribute = "msgid" if word == b"X-GM-MSGID" else "thrid"
                found &= {index for index, (_, message) in enumerate(numbered) if getattr(message, attribute) == number}
            else:
                raise ImapError("[CANNOT] unsupported search criterion", bad=True)
        hits = sorted(numbered[index][0] if by_uid else index + 1 for index in found)
        self.send(b"* SEARCH" + b"".join(b" %d" % hit for hit in hits))
        return "SEARCH completed (Success)"

    def _selection(self, text: bytes, *, by_uid: bool) -> list[tuple[int, int, GmailMessage]]:
        """(sequence number, uid, message) for a sequence or UID set in the selected folder."""
        user, folder = self._current()
        numbered = user.numbered(folder)
        if not numbered:
            return []
        highest = numbered[-1][0] if by_uid else len(numbered)
        wanted = uid_set_parse(text, highest) or set()
        return [
            (index + 1, uid, message)
            for index, (uid, message) in enumerate(numbered)
            if (uid if by_uid else index + 1) in wanted
        ]

    def fetch(self, tag: bytes, arguments: list[Any], *, by_uid: bool = False) -> str:
        user, _ = self._current()
        items = arguments[1] if isinstance(arguments[1], list) else [arguments[1]]
        names = [bytes(item).upper() for item in items]
        changed_since = None
        if len(arguments) > 2:
            modifiers = [bytes(item).upper() for item in arguments[2]]
            if modifiers[:1] == [b"CHANGEDSINCE"]:
                changed_since = int(modifiers[1])
            if b"VANISHED" in modifiers:
                raise ImapError("VANISHED needs QRESYNC", bad=True)
        if by_uid and b"UID" not in names:
            names.insert(0, b"UID")
        if changed_since is not None or self.condstore:
            names = [*names, b"MODSEQ"] if b"MODSEQ" not in names else names
        for sequence, uid, message in self._selection(bytes(arguments[0]), by_uid=by_uid):
            if changed_since is not None and message.modseq <= changed_since:
                continue
            parts = [self._fetch_item(user, name, uid, message) for name in dict.fromkeys(names)]
            self.send(b"* %d FETCH (" % sequence + b" ".join(parts) + b")")
        return "Success"

    def _fetch_item(self, user: GmailUser, name: bytes, uid: int, message: GmailMessage) -> bytes:
        if name == b"UID":
            return b"UID %d" % uid
        if name == b"FLAGS":
            return b"FLAGS (" + " ".join(sorted(message.flags)).encode() + b")"
        if name == b"INTERNALDATE":
            return b'INTERNALDATE "' + message.internal_date.strftime("%d-%b-%Y %H:%M:%S %z").encode() + b'"'
        if name == b"RFC822.SIZE":
            return b"RFC822.SIZE %d" % len(message.raw)
        if name == b"MODSEQ":
            return b"MODSEQ (%d)" % message.modseq
        if name == b"X-GM-MSGID":
            return b"X-GM-MSGID %d" % message.msgid
        if name == b"X-GM-THRID":
            return b"X-GM-THRID %d" % message.thrid
        if name == b"X-GM-LABELS":
            return b"X-GM-LABELS (" + b" ".join(label_atom(label) for label in user.labels_of(message)) + b")"
        return self._fetch_body(user, name, message)

    def _fetch_body(self, user: GmailUser, name: bytes, message: GmailMessage) -> bytes:
        if name in (b"BODY[]", b"RFC822") and not self.read_only and "\\Seen" not in message.flags:
            user.flags_change(message, "+", {"\\Seen"})
        section = name.replace(b".PEEK", b"")
        header_end = message.raw.find(b"\r\n\r\n")
        header = message.raw if header_end < 0 else message.raw[: header_end + 4]
        if section in (b"BODY[]", b"RFC822"):
            content = message.raw
        elif section == b"BODY[HEADER]":
            content = header
        elif section.startswith(b"BODY[HEADER.FIELDS ("):
            wanted = section[len(b"BODY[HEADER.FIELDS (") : -2].decode().lower().split()
            content = _header_fields(header, wanted)
        else:
            raise ImapError("unsupported fetch item " + name.decode(errors="replace"), bad=True)
        return section + b" {%d}\r\n" % len(content) + content

    def store(self, tag: bytes, arguments: list[Any], *, by_uid: bool = False) -> str:
        user, _ = self._current()
        if self.read_only:
            raise ImapError("STORE in a read-only folder", bad=True)
        if isinstance(arguments[1], list):  # (UNCHANGEDSINCE n): accepted, every message passes
            arguments = [arguments[0], *arguments[2:]]
        action = bytes(arguments[1]).upper()
        values = arguments[2] if isinstance(arguments[2], list) else arguments[2:]
        silent = action.endswith(b".SILENT")
        action = action.removesuffix(b".SILENT")
        mode = action[:1].decode() if action[:1] in (b"+", b"-") else ""
        kind = action.lstrip(b"+-")
        for sequence, uid, message in self._selection(bytes(arguments[0]), by_uid=by_uid):
            if kind == b"X-GM-LABELS":
                labels = {token_text(value) if not isinstance(value, int) else str(value) for value in values}
                self._labels_store(user, message, mode, labels)
                answer = b"X-GM-LABELS (" + b" ".join(label_atom(label) for label in user.labels_of(message)) + b")"
            elif kind == b"FLAGS":
                user.flags_change(message, mode or "=", {bytes(value).decode() for value in values})
                answer = b"FLAGS (" + " ".join(sorted(message.flags)).encode() + b")"
            else:
                raise ImapError("unsupported STORE item", bad=True)
            if not silent:
                self.send(b"* %d FETCH (UID %d %s MODSEQ (%d))" % (sequence, uid, answer, message.modseq))
        return "Success"

    def _labels_store(self, user: GmailUser, message: GmailMessage, mode: str, labels: set[str]) -> None:
        current = set(user.labels_of(message))
        if mode == "+":
            user.labels_change(message, add=labels, remove=set())
        elif mode == "-":
            user.labels_change(message, add=set(), remove=labels)
        else:
            user.labels_change(message, add=labels - current, remove=current - labels)

    def expunge(self, tag: bytes, arguments: list[Any], *, by_uid: bool = False) -> str:
        user, folder = self._current()
        numbered = user.numbered(folder)
        positions = {uid: index + 1 for index, (uid, _) in enumerate(numbered)}
        wanted = uid_set_parse(bytes(arguments[0]), numbered[-1][0] if numbered else 0) if by_uid else None
        for uid in reversed(user.expunge(folder, wanted)):
            self.send(b"* %d EXPUNGE" % positions[uid])
        return "Success"

    def copy(self, tag: bytes, arguments: list[Any], *, by_uid: bool = False, move: bool = False) -> str:
        """COPY / MOVE with COPYUID (UIDPLUS), Gmail's way (`GmailUser.copy_into` and `leave`)."""
        user, source = self._current()
        destination = _canonical(token_text(arguments[1]))
        if not user.folder_exists(destination):
            raise ImapError("[TRYCREATE] Folder doesn't exist. (Failure)")
        selection = self._selection(bytes(arguments[0]), by_uid=by_uid)
        for _, _, message in selection:
            user.copy_into(message, destination)
            if move:
                user.leave(message, source)
        new_uids = {stored.msgid: uid for uid, stored in user.numbered(destination)}
        pairs = [(uid, new_uids[message.msgid]) for _, uid, message in selection if message.msgid in new_uids]
        old_uids = ",".join(str(old) for old, _ in pairs)
        copied_uids = ",".join(str(new) for _, new in pairs)
        code = f"[COPYUID {user.view(destination).uid_validity} {old_uids} {copied_uids}]"
        if not move:
            return f"{code} (Success)" if pairs else "(Success)"
        if pairs:
            self.send(b"* OK " + code.encode())
        still_there = {stored.msgid for _, stored in user.numbered(source)}
        for sequence, _, message in reversed(selection):
            if message.msgid not in still_there:
                self.send(b"* %d EXPUNGE" % sequence)
        return "(Success)"

    def rename(self, tag: bytes, arguments: list[Any]) -> str:
        user = self.user
        assert user is not None  # noqa: S101 - checked by the dispatcher
        old, new = token_text(arguments[0]), token_text(arguments[1])
        if old not in user.user_labels:
            raise ImapError("[NONEXISTENT] Unknown Mailbox or system folder: " + old + " (Failure)")
        if user.folder_exists(new):
            raise ImapError("[ALREADYEXISTS] Duplicate folder name " + new + " (Failure)")
        renamed = {name for name in user.user_labels if name == old or name.startswith(old + "/")}
        for name in renamed:
            target = new + name[len(old) :]
            user.user_labels.discard(name)
            user.user_labels.add(target)
            user.views[target] = user.views.pop(name, user.view(target))
            for message in user.messages.values():
                if name in message.labels:
                    message.labels.discard(name)
                    message.labels.add(target)
                    user.touch(message)
        return "Success"

    def subscribe(self, tag: bytes, arguments: list[Any]) -> str:
        return "Success"

    def close(self, tag: bytes, arguments: list[Any]) -> str:
        user, folder = self._current()
        if not self.read_only:
            user.expunge(folder)
        self.selected = None
        return "Returned to authenticated state. (Success)"

    def unselect(self, tag: bytes, arguments: list[Any]) -> str:
        self.selected = None
        return "Returned to authenticated state. (Success)"

    def idle(self, tag: bytes, arguments: list[Any]) -> str:
        self.send(b"+ idling")
        while True:
            line = self.reader.readline()
            if not line or line.strip().upper() == b"DONE":
                return "IDLE terminated (Success)"

    def id_(self, tag: bytes, arguments: list[Any]) -> str:
        self.send(b'* ID ("name" "GImap" "vendor" "Google, Inc.")')
        return "Success"


def _folder_attributes(user: GmailUser, name: str) -> list[str]:
    if name == "[Gmail]":
        return ["\\HasChildren", "\\Noselect"]
    special = {ALL_MAIL: "\\All", TRASH: "\\Trash", SPAM: "\\Junk"}.get(name) or SYSTEM_FOLDERS.get(name, ("", ""))[1]
    children = any(other.startswith(name + "/") for other in user.folder_names())
    return ["\\HasChildren" if children else "\\HasNoChildren", *([special] if special else [])]


def _canonical(name: str) -> str:
    return "INBOX" if name.upper() == "INBOX" else name


def _header_fields(header: bytes, wanted: list[str]) -> bytes:
    lines = re.split(rb"\r\n(?![ \t])", header.rstrip(b"\r\n"))
    kept = [line for line in lines if line.split(b":", 1)[0].decode(errors="replace").strip().lower() in wanted]
    return b"".join(line + b"\r\n" for line in kept) + b"\r\n"


COMMANDS: dict[str, Any] = {
    "CAPABILITY": Session.capability,
    "LOGIN": Session.login,
    "LOGOUT": Session.logout,
    "NOOP": Session.noop,
    "ENABLE": Session.enable,
    "NAMESPACE": Session.namespace,
    "ID": Session.id_,
    "LIST": Session.list_,
    "XLIST": Session.list_,
    "SELECT": Session.select,
    "EXAMINE": Session.examine,
    "STATUS": Session.status,
    "CREATE": Session.create,
    "DELETE": Session.delete,
    "APPEND": Session.append,
    "SEARCH": Session.search,
    "UID SEARCH": partial(Session.search, by_uid=True),
    "FETCH": Session.fetch,
    "UID FETCH": partial(Session.fetch, by_uid=True),
    "STORE": Session.store,
    "UID STORE": partial(Session.store, by_uid=True),
    "EXPUNGE": Session.expunge,
    "UID EXPUNGE": partial(Session.expunge, by_uid=True),
    "COPY": Session.copy,
    "UID COPY": partial(Session.copy, by_uid=True),
    "MOVE": partial(Session.copy, move=True),
    "UID MOVE": partial(Session.copy, by_uid=True, move=True),
    "RENAME": Session.rename,
    "SUBSCRIBE": Session.subscribe,
    "CLOSE": Session.close,
    "UNSELECT": Session.unselect,
    "IDLE": Session.idle,
}
OPEN_COMMANDS = {"CAPABILITY", "LOGIN", "LOGOUT", "NOOP", "ID"}
