"""The dossier counters of the account area's menu (the account area's base template)."""

from typing import Any

from django import template
from django.db.models import Count, Q

from accounts.models import User
from portal.models import Dossier

register = template.Library()


@register.simple_tag
def dossier_counters(owner: User) -> dict[str, Any]:
    """Return the owner's completed and in-progress dossier counts in one aggregate query."""
    return Dossier.objects.filter(owner=owner).aggregate(
        completed_count=Count("pk", filter=Q(status=Dossier.Status.COMPLETED)),
        in_progress_count=Count("pk", filter=Q(status__in=Dossier.IN_PROGRESS)),
    )
