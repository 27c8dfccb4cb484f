"""The hotline's automatic words, written once in English and translated in intake's catalogues
(``intake/locale/``) into each of the hotline's languages (``core/data/languages.yaml``).

``data/messages.yaml`` (or ``LANTERN_INTAKE_MESSAGES_FILE``) may replace any of them, per
language; see ``messages.text``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "sms": {
        # the automatic reply to a person's first text
        "first_reply": _(
            "You have reached the hotline. Your messages are confidential. An advocate will "
            "answer shortly. If you are in danger now, call 911. Reply STOP to stop texts, START "
            "to resume."
        ),
        "stopped": _("You will not get more texts from the hotline. Reply START to resume."),
        "started": _("Texts from the hotline are on again. If you are in danger now, call 911."),
    },
    # every text channel (SMS, chat, email) without its own version
    "messages": {
        # sent when routing queues a non-urgent text, chat or email while its queue is closed
        "after_hours": _(
            "Thank you for writing. Advocates answer non-urgent messages Monday to Friday, 9 a.m. "
            "to 7 p.m. Eastern time, and will reply within three business days. If you are in "
            "danger now, call 911, or write URGENT and an advocate will answer as soon as "
            "possible."
        ),
    },
    "voice": {
        "greeting": _("Thank you for calling the hotline. This call is confidential."),
        # one line of the language menu, spoken in each language that has a key
        "language_choice": _("For %(language)s, press %(key)s."),
        "other_language": _(
            "For any other language, stay on the line and an interpreter will join the call."
        ),
        "danger_menu": _(
            "If you are in danger right now, press 1. Otherwise, please stay on the line."
        ),
        "connecting": _("Connecting you to an advocate. Please stay on the line."),
        # while the caller waits in the queue
        "still_waiting": _(
            "All advocates are helping other callers. Please stay on the line: the next free "
            "advocate will answer."
        ),
        # asked once, after a long wait: only a caller who pressed 1 is ever called back
        "callback_question": _(
            "If the call drops, may an advocate call you back at this number? If it is safe, "
            "press 1. If it is not safe, press 2."
        ),
        "callback_yes": _(
            "Thank you. If the call drops, an advocate may call you back at this number. "
            "Please stay on the line."
        ),
        "callback_no": _("Thank you. We will not call this number. Please stay on the line."),
        "after_hours": _(
            "Advocates answer non-urgent calls Monday to Friday, 9 a.m. to 7 p.m. Eastern time. "
            "Please leave a message after the tone with a safe way to reach you. If you are in "
            "danger, hang up and call 911, or call again and press 1."
        ),
        "goodbye": _("Thank you. Goodbye."),
    },
}
