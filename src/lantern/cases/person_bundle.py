"""The bundle a person receives when they ask what the hotline holds about them (issue 22).

``build`` reads the chosen contacts as they are now: when each was received and how, what the
hotline recorded about the caller (name, phone, email, the advocate's summary), and their
conversation's messages and attachments. It leaves out what is not the person's: which staff
member handled a contact, the messages' delivery details, and cases (a case can concern several
people, so a supervisor answers for it apart). Contacts a legal hold keeps, or shredded since, are
withheld and counted. ``digest`` fingerprints the content so the release can prove it is what the
approver saw; ``zip_bundle`` writes it as ``records.json``, ``records.pdf`` and the attachments.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantern.cases.queries import exclude_held
from lantern.contacts.choices import MessageDirectionChoices
from lantern.contacts.models import Attachment, Contact, Conversation, Message
from lantern.core.pdf import Document
from lantern.privacy.fields import reveal


def _iso(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _safe_name(number: int, filename: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", filename or "file").strip("._")[:80] or "file"
    return f"attachments/{number:03d}-{stem}"


def build(contact_ids, *, language: str, with_files: bool = False) -> dict:
    """The bundle's content for these contacts, its labels (channel, call types) in the person's
    language whoever reads it (``with_files`` adds each attachment's bytes under ``_files``, for
    the ZIP; the digest never depends on it)."""
    with translation.override(language):
        return _build(contact_ids, with_files=with_files)


def _build(contact_ids, *, with_files: bool) -> dict:
    chosen = Contact.objects.filter(pk__in=list(contact_ids))
    free = exclude_held(chosen).filter(shredded_at__isnull=True).order_by("received_at", "id")
    free = list(free.prefetch_related("call_types"))
    contacts, files, number = [], {}, 0
    for contact in free:
        messages = []
        conversation = Conversation.objects.filter(contact=contact, shredded_at__isnull=True)
        conversation = conversation.first()
        if conversation is not None:
            rows = Message.objects.filter(conversation=conversation).order_by("created_at", "id")
            attachments = _attachments_by_message(conversation)
            for message in rows:
                entry = {
                    "at": _iso(message.created_at),
                    "from": "you" if message.direction == MessageDirectionChoices.INBOUND
                    else "hotline",
                    "text": reveal(message.body) or "",
                }  # fmt: skip
                listed = []
                for attachment in attachments.get(message.pk, []):
                    number += 1
                    data = base64.b64decode(reveal(attachment.content) or "")
                    filename = reveal(attachment.filename) or ""
                    name = _safe_name(number, filename)
                    listed.append({
                        "file": name, "name": filename,
                        "type": attachment.content_type, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                    })  # fmt: skip
                    if with_files:
                        files[name] = data
                if listed:
                    entry["attachments"] = listed
                messages.append(entry)
        contacts.append({
            "reference": contact.short_id,
            "received": _iso(contact.received_at),
            "channel": contact.get_channel_display(),
            "language": contact.language,
            "call_types": [ct.get_call_type_display() for ct in contact.call_types.all()],
            "your_name": reveal(contact.caller_name) or "",
            "your_phone": reveal(contact.caller_phone) or "",
            "your_email": reveal(contact.caller_email) or "",
            "summary": reveal(contact.summary) or "",
            "messages": messages,
        })  # fmt: skip
    content = {"contacts": contacts, "withheld": len(set(map(str, contact_ids))) - len(free)}
    if with_files:
        content["_files"] = files
    return content


def _attachments_by_message(conversation) -> dict:
    grouped: dict = {}
    for attachment in Attachment.objects.filter(message__conversation=conversation):
        grouped.setdefault(attachment.message_id, []).append(attachment)
    return grouped


def digest(content: dict) -> str:
    clean = {k: v for k, v in content.items() if not k.startswith("_")}
    canonical = json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def render_pdf(content: dict, *, reference: str, language: str) -> bytes:
    """The bundle as a document the person can read, in their language."""
    with translation.override(language):
        w = Document(_("What the hotline holds about you"))
        w.heading(_("What the hotline holds about you"), 16)
        w.line(_("Reference"), reference)
        w.line(_("Prepared on"), timezone.localdate().isoformat())
        w.line("", _("These are the records of your contacts with the hotline that you asked "
                     "for. The file records.json holds the same, for a computer."))  # fmt: skip
        if content["withheld"]:
            w.line("", _("Some records could not be included now. The hotline can tell you why."))
        for contact in content["contacts"]:
            w.heading(_("Contact %(reference)s") % {"reference": contact["reference"]})
            w.line(_("Received"), contact["received"])
            w.line(_("How"), contact["channel"])
            w.line(_("About"), ", ".join(contact["call_types"]))
            w.line(_("Your name as recorded"), contact["your_name"])
            w.line(_("Your phone number as recorded"), contact["your_phone"])
            w.line(_("Your email address as recorded"), contact["your_email"])
            w.line(_("What the advocate wrote"), contact["summary"])
            for message in contact["messages"]:
                who = _("You") if message["from"] == "you" else _("Hotline")
                w.line(f"{message['at']} {who}", message["text"] or "-", size=9)
                for attachment in message.get("attachments", []):
                    w.line(_("Attachment"), f"{attachment['name']} ({attachment['file']})", size=9)
        if w.lossy:
            w.line("", _("Some characters could not be printed in this PDF; records.json has "
                         "them all."))  # fmt: skip
        return w.output()


def zip_bundle(content: dict, *, reference: str, language: str, digest_value: str) -> bytes:
    files = content.get("_files", {})
    public = {k: v for k, v in content.items() if not k.startswith("_")}
    document = {"reference": reference, "digest": digest_value, **public}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("records.json", json.dumps(document, ensure_ascii=False, indent=2))
        bundle.writestr("records.pdf", render_pdf(public, reference=reference, language=language))
        for name, data in files.items():
            bundle.writestr(name, data)
    return out.getvalue()
