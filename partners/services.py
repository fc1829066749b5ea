"""Writes of the partner ledger, one transaction each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.locking import check_not_changed_since, locked_save
from portal.scoping import scope_for

from .models import Partner, PartnerOffering


def _check_county(user, county, field="county"):
    """A county's partner is kept by that county's users (a global user: any county)."""
    if user is None or county is None:
        return
    scope = scope_for(user)
    if not scope.is_global and county.pk not in scope.county_ids:
        raise ValidationError({field: _("You can only keep the records of your own county.")})


@transaction.atomic
def partner_save(*, partner: Partner, user=None, expected=None):
    """Create or change a partner of the county's 五社联动 ledger."""
    _check_county(user, partner.county if partner.county_id else None)
    return locked_save(partner, expected=expected)


@transaction.atomic
def partner_deactivate(*, partner: Partner):
    """A partner that no longer works with the county: kept (its resource links name it), no
    longer suggested nor offered on the resource-link form."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if not partner.is_active:
        raise ValidationError(_("This partner is already inactive."))
    partner.is_active = False
    partner.save()
    return partner


@transaction.atomic
def partner_offering_save(*, offering: PartnerOffering, expected=None):
    """Add (or change) what a partner offers."""
    check_not_changed_since(model=PartnerOffering, pk=offering.pk, expected=expected)
    if offering.partner_id and not offering.partner.is_active:
        raise ValidationError(_("This partner is inactive."))
    offering.full_clean()
    offering.save()
    return offering
