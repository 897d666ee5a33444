"""A company's own host names (crm.acme.com): asked for by a tenant admin, verified by a DNS TXT record, routed.

The flow: `custom_domain_add` records the wish with a random token; the company publishes
`_atrium-challenge.<hostname> TXT "atrium-domain-verification=<token>"` and a CNAME to its subdomain;
`custom_domain_verify` looks the TXT record up and, when it matches, adds the Domain row that host routing reads
(and drops the host's cached "unknown" answer, so it routes at once). `custom_domain_remove` undoes both.
"""

from __future__ import annotations

import re
import secrets
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import APIException, NotFound, ValidationError

from tenants.dns import DnsError, txt_records
from tenants.models import CustomDomain, Domain, Tenant
from tenants.routing import host_cache_forget

CHALLENGE_LABEL = "_atrium-challenge"
CHALLENGE_VALUE_PREFIX = "atrium-domain-verification="
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TOP_LEVEL = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^xn--[a-z0-9-]+$")


class DomainNotVerified(APIException):
    status_code = 400
    default_code = "domain_not_verified"
    default_detail = "The verification record was not found."


class DomainTaken(APIException):
    status_code = 409
    default_code = "domain_taken"
    default_detail = "This domain already belongs to a company."


class DnsUnavailable(APIException):
    status_code = 503
    default_code = "dns_unavailable"
    default_detail = "DNS could not be asked right now; try again in a minute."


def challenge_name(hostname: str) -> str:
    return f"{CHALLENGE_LABEL}.{hostname}"


def challenge_value(custom_domain: CustomDomain) -> str:
    return CHALLENGE_VALUE_PREFIX + custom_domain.verification_token


def hostname_problem(hostname: str) -> str | None:
    """Why `hostname` (lowercase, no trailing dot) cannot be a custom domain; None when it can."""
    labels = hostname.split(".")
    if len(hostname) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        return "Enter a domain name such as crm.example.com (letters, digits, '-' and dots; no scheme or port)."
    if not TOP_LEVEL.match(labels[-1]):
        return "Enter a domain name, not an IP address."
    base = settings.BASE_DOMAIN
    if hostname == base or hostname.endswith(f".{base}"):
        return f"Addresses under {base} are given by Atrium; add a domain of your own."
    return None


def hostname_normalize(raw: str) -> str:
    return raw.strip().lower().rstrip(".")


def custom_domain_list(*, tenant: Tenant) -> QuerySet[CustomDomain]:
    return CustomDomain.objects.filter(tenant=tenant)


def custom_domain_get(*, tenant: Tenant, custom_domain_id: int) -> CustomDomain:
    found = CustomDomain.objects.filter(tenant=tenant, pk=custom_domain_id).first()
    if found is None:
        raise NotFound("No such domain.")
    return found


def custom_domain_add(*, tenant: Tenant, hostname: str) -> CustomDomain:
    """Record that the company wants `hostname`; it routes only after custom_domain_verify."""
    hostname = hostname_normalize(hostname)
    problem = hostname_problem(hostname)
    if problem is not None:
        raise ValidationError({"hostname": [problem]})
    with transaction.atomic():
        # One company's requests are serialized on its row, so two at once cannot pass the limit together.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if Domain.objects.filter(domain=hostname).exists():
            raise DomainTaken()
        if CustomDomain.objects.filter(tenant=tenant, hostname=hostname).exists():
            raise ValidationError({"hostname": ["This company has already added this domain."]})
        limit = int(settings.CUSTOM_DOMAINS_PER_TENANT)
        if CustomDomain.objects.filter(tenant=tenant).count() >= limit:
            raise ValidationError({"hostname": [f"A company can have at most {limit} custom domains."]})
        try:
            with transaction.atomic():
                return CustomDomain.objects.create(
                    tenant=tenant, hostname=hostname, verification_token=secrets.token_urlsafe(24)
                )
        except IntegrityError:
            raise ValidationError({"hostname": ["This company has already added this domain."]}) from None


def custom_domain_verify(*, tenant: Tenant, custom_domain_id: int) -> CustomDomain:
    """Look the TXT record up; when it holds this company's token, the domain routes to the company."""
    custom_domain = custom_domain_get(tenant=tenant, custom_domain_id=custom_domain_id)
    if custom_domain.verified_at is not None:
        return custom_domain
    if Domain.objects.filter(domain=custom_domain.hostname).exists():
        raise DomainTaken()
    try:
        published = txt_records(challenge_name(custom_domain.hostname))
    except DnsError:
        raise DnsUnavailable() from None
    if challenge_value(custom_domain) not in published:
        raise DomainNotVerified(
            f'Publish a TXT record at {challenge_name(custom_domain.hostname)} with the value "'
            f'{challenge_value(custom_domain)}", wait for DNS to update, then verify again.'
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                Domain.objects.create(domain=custom_domain.hostname, tenant=tenant, is_primary=False)
        except IntegrityError:
            raise DomainTaken() from None
        custom_domain.verified_at = timezone.now()
        custom_domain.save(update_fields=["verified_at"])
        transaction.on_commit(partial(host_cache_forget, custom_domain.hostname))
    return custom_domain


def custom_domain_remove(*, tenant: Tenant, custom_domain_id: int) -> None:
    """Stop routing the domain to the company and forget it."""
    custom_domain = custom_domain_get(tenant=tenant, custom_domain_id=custom_domain_id)
    with transaction.atomic():
        if custom_domain.verified_at is not None:
            Domain.objects.filter(domain=custom_domain.hostname, tenant=tenant).delete()
        custom_domain.delete()
        transaction.on_commit(partial(host_cache_forget, custom_domain.hostname))
