"""Global search (the portal's Ctrl/Cmd-K): people of the company and the mail the actor may read.

Mail is matched with the messages' PostgreSQL full-text vector (subject, participants, body) as prefixes, so a
word matches while it is still being typed. People are matched by name or email; only owners and admins get
them, as only they may list the company's users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q, QuerySet

from shared_apps.common.compiled import CompiledQuery
from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailMessage
from tenant_apps.mail.selectors import mail_account_list

SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_LIMIT_MAX = 20
# Enough words for any real query; a tsquery of hundreds of prefixes would only make PostgreSQL work harder.
SEARCH_WORDS_MAX = 8
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class PersonHit:
    id: int
    full_name: str
    email: str
    role: str


@dataclass(frozen=True)
class MessageHit:
    id: int
    account_id: int
    subject: str
    from_name: str
    from_address: str
    snippet: str
    internal_date: datetime


@dataclass(frozen=True)
class SearchResults:
    people: list[PersonHit]
    messages: list[MessageHit]


def prefix_tsquery(text: str) -> str:
    """A tsquery in PostgreSQL's syntax where every word of `text` must start a word of the document.

    Only word characters reach the query, so nothing the user types can be read as tsquery syntax."""
    words = [word.lower() for word in WORD.findall(text)][:SEARCH_WORDS_MAX]
    return " & ".join(f"{word}:*" for word in words)


def _people_matching(text: str) -> QuerySet[User]:
    return (
        User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
        .order_by("-is_active", "full_name", "id")
        .only("id", "full_name", "email", "role")
    )


def _messages_matching(actor: User, tsquery: str) -> QuerySet[MailMessage]:
    query = SearchQuery(tsquery, config="simple", search_type="raw")
    return (
        MailMessage.objects.filter(account__in=mail_account_list(actor=actor).values("pk"), search__search_vector=query)
        .annotate(rank=SearchRank(F("search__search_vector"), query))
        .order_by("-rank", "-internal_date", "-id")
        .only("id", "account_id", "subject", "from_name", "from_address", "snippet", "internal_date")
    )


# Search runs on every keystroke of the portal's Ctrl/Cmd-K: both queries are compiled once per process and limit
# (shared_apps.common.compiled). The actor reaches the builder as a stand-in with only its primary key, which is
# all mail_account_list filters by.
_PEOPLE = CompiledQuery(User, _people_matching)
_MESSAGES = CompiledQuery(MailMessage, _messages_matching)


def people_search(*, actor: User, text: str, limit: int) -> list[PersonHit]:
    if not actor.is_admin:
        return []
    people = _PEOPLE.query(text=text)[:limit]
    return [PersonHit(id=user.pk, full_name=user.full_name, email=user.email, role=user.role) for user in people]


def message_search(*, actor: User, text: str, limit: int) -> list[MessageHit]:
    tsquery = prefix_tsquery(text)
    if not tsquery:
        return []
    messages = _MESSAGES.query(actor=actor, tsquery=tsquery)[:limit]
    return [
        MessageHit(
            id=message.pk,
            account_id=message.account_id,
            subject=message.subject,
            from_name=message.from_name,
            from_address=message.from_address,
            snippet=message.snippet,
            internal_date=message.internal_date,
        )
        for message in messages
    ]


def portal_search(*, actor: User, text: str, limit: int) -> SearchResults:
    text = text.strip()
    return SearchResults(
        people=people_search(actor=actor, text=text, limit=limit),
        messages=message_search(actor=actor, text=text, limit=limit),
    )
