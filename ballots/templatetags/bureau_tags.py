from django import template

from ballots.bureau.selectors import next_step, seat_label, seats_of

register = template.Library()


@register.simple_tag
def bureau_seats(user):
    """The user's active bureau seats, each with its label and the election's next step
    (the admin home's « Bureau de vote » box)."""
    return [(seat, seat_label(seat), next_step(seat.election)) for seat in seats_of(user)]
