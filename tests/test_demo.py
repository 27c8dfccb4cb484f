"""Demo data: the seeding must work whatever the random draw."""

import random

from django.utils import timezone

from lantern.contacts.models import Contact
from lantern.demo.seeding import seed_contacts


class _RecentLongCalls(random.Random):
    """Draws the most recent receive time and the longest call every time."""

    def randint(self, a, b):
        return a if b > 1000 else b


def test_contacts_received_minutes_ago_do_not_end_in_the_future(personas):
    seed_contacts(3, _RecentLongCalls(1), handlers=["advocate"])
    assert Contact.objects.count() == 3
    assert not Contact.objects.filter(ended_at__gt=timezone.now()).exists()


def test_the_demo_leaves_contacts_waiting_in_the_inbox(db):
    from lantern.demo.seeding import seed_waiting

    assert seed_waiting() == 4
    waiting = Contact.objects.filter(status="open")
    assert sorted(waiting.values_list("channel", flat=True)) == ["chat", "sms", "sms", "webform"]
    assert waiting.get(channel="chat").urgent
    assert waiting.filter(channel="sms", language_hint="es").exists()
