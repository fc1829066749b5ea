from django import template

from .. import privacy

register = template.Library()


@register.filter
def masked_id(number):
    return privacy.mask_id(number)


@register.filter
def phone_for(phone, user):
    return privacy.phone_for(user, phone)


@register.filter
def sees_disability(user):
    return privacy.sees_disability(user)
