"""The public site: the anonymous tip form, follow-up by receipt code, and the chat's pages.

Nothing here learns who the visitor is: no account, no address kept (the request log has none),
no third-party asset. What the browser keeps lasts until it closes (session-only cookies, pages
never cached), and the pages' script replaces each page in the history with the next, so the
quick exit leaves nothing to go Back to (docs/privacy.md, "Traces on the visitor's device").

Sending a tip and opening a chat cost a proof of work that grows under a flood, and one browser
session may open only ``LANTERN_SESSION_INTAKE_LIMIT`` of them (docs/intake.md, "Floods").
"""

import time

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.exceptions import ContactValidationError, DuplicateSubmission
from lantern.core import pow
from lantern.core.sessions import CHAT as CHAT_SESSION_KEY
from lantern.privacy import receipts
from lantern.public import followup, guard
from lantern.public.forms import OTHER_LANGUAGE, PreChatForm, ReceiptForm, ReplyForm, TipForm
from lantern.routing.kick import kick

SESSION_KEY = "lantern_followup"
SESSION_UNTIL = "lantern_followup_until"
TIP_SENT = "lantern_tip_sent"  # the receipt code just given, sealed, and until when it shows
FOLLOWUP_SECONDS = 30 * 60


@never_cache
@require_http_methods(["GET", "POST"])
def tip(request):
    form = TipForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        key, response, error = guard.gate(
            request, contact_queries.submission_received, "public:tip_sent"
        )
        if response is not None:
            return response  # sent already (the same receipt, or a neutral page), or capped
        if not error and form.is_valid():
            code = receipts.new_code()
            try:
                # the tip's language is the page's: what the tipster read and wrote in
                tip = {**form.cleaned_data, "language": get_language()}
                contacts.do_receive_tip(
                    tip, receipt_hash=receipts.code_hash(code), submission_key=key
                )
            except DuplicateSubmission:
                return redirect("public:tip_sent")
            except ContactValidationError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                kick()
                guard.opened(request)
                # the code shows on the next page (and on a reload of it) while this browser
                # session lasts, sealed with the data key; the database keeps only its hash
                request.session[TIP_SENT] = [receipts.seal(code), time.time() + FOLLOWUP_SECONDS]
                return redirect("public:tip_sent")
        status = 400 if (form.errors or error) else status
    context = {"form": form, "error": error, **guard.form_context()}
    return render(request, "public/tip_form.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def tip_sent(request):
    """After sending (post/redirect/get): the receipt code while this browser session lasts,
    else a neutral page. Reloading files nothing."""
    sealed, until = request.session.get(TIP_SENT) or ("", 0)
    code = receipts.unseal(sealed) if sealed and until > time.time() else ""
    return render(request, "public/tip_sent.html", {"code": receipts.display(code) if code else ""})


@never_cache
@require_http_methods(["GET", "POST"])
def followup_login(request):
    """A receipt code, with the browser's work done first. A right code always opens the report;
    wrong ones raise the work everyone's next try costs (``lantern.core.pow``), never a lock."""
    challenge = pow.new_challenge(pow.RECEIPT)
    form = ReceiptForm(request.POST or None, initial={"challenge": challenge})
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not pow.verify(data["challenge"], data["work"], pow.RECEIPT):
                error = guard.retry_message()
            else:
                conversation = followup.open_with_code(data["code"])
                if conversation is not None:
                    request.session.cycle_key()
                    request.session[SESSION_KEY] = str(conversation.pk)
                    request.session[SESSION_UNTIL] = time.time() + FOLLOWUP_SECONDS
                    return redirect("public:followup")
                error = _("That receipt code does not open a report. Check the digits.")
                status = 404
        form = ReceiptForm(
            initial={"challenge": challenge, "code": request.POST.get("code", "")[:40]}
        )
    context = {"form": form, "error": error, "bits": pow.bits_of(challenge)}
    return render(request, "public/followup_login.html", context, status=status)


def _conversation(request):
    pk = request.session.get(SESSION_KEY)
    if not pk or request.session.get(SESSION_UNTIL, 0) < time.time():
        return None
    return contact_queries.tip_conversation(pk)


@never_cache
@require_http_methods(["GET", "POST"])
def followup_thread(request):
    conversation = _conversation(request)
    if conversation is None:
        return redirect("public:followup_login")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contacts.do_receive_message(
            channel="webform", hotline_address="", participant="",
            body=form.cleaned_data["body"], contact=conversation.contact,
        )  # fmt: skip
        return redirect("public:followup")
    thread = contact_queries.followup_thread(conversation)
    context = {"thread": thread, "form": form}
    return render(request, "public/followup.html", context, status=400 if form.errors else 200)


@csrf_exempt  # ending a follow-up is always safe; the quick exit's beacon carries no token
@require_http_methods(["POST"])
def followup_leave(request):
    request.session.flush()
    return _cleared(redirect("public:tip"))


def _cleared(response):
    """Leaving (the quick exit's beacons, End the chat, Close my report) also asks the browser to
    drop this site's cookies and storage."""
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def chat(request):
    """The pre-chat form; sending it (even empty) opens the chat."""
    form = PreChatForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and _open_chat(request):
        return redirect("public:chat_room")  # open already: a second press opens no second chat
    if request.method == "POST":
        if guard.over_limit(request):
            return guard.limit_page(request)
        if not guard.work_done(request):
            error, status = guard.retry_message(), 400
        elif form.is_valid():
            data = form.cleaned_data
            # the language chosen in the form, else the page's; "another language" says none
            language = data["language"] or get_language()
            language = "" if language == OTHER_LANGUAGE else language
            conversation = contacts.do_open_chat(
                language=language, state=data["state"], safe=data["safe"],
                heard_about=data["heard_about"],
            )  # fmt: skip
            kick()
            guard.opened(request)
            request.session[CHAT_SESSION_KEY] = str(conversation.pk)
            return redirect("public:chat_room")
        else:
            status = 400
    context = {"form": form, "error": error, **guard.form_context(with_once=False)}
    return render(request, "public/chat_start.html", context, status=status)


def _open_chat(request):
    conversation_id = request.session.get(CHAT_SESSION_KEY)
    conversation = contact_queries.chat_conversation(conversation_id) if conversation_id else None
    return conversation if conversation is not None and conversation.state == "open" else None


@never_cache
def chat_room(request):
    conversation = _open_chat(request)
    if conversation is None:
        return redirect("public:chat")
    history = (
        contact_queries.followup_thread(conversation) if conversation.messages.exists() else []
    )
    return render(request, "public/chat_room.html", {"history": history})


@csrf_exempt  # leaving is always safe; the quick exit's beacon carries no token
@require_http_methods(["POST"])
def chat_leave(request):
    conversation_id = request.session.pop(CHAT_SESSION_KEY, None)
    conversation = contact_queries.chat_conversation(conversation_id) if conversation_id else None
    if conversation is not None:
        contacts.do_close_conversation(conversation, reason="the visitor left the chat")
    # the rest of the visit (its language) stays; the quick exit's other beacon, to the
    # follow-up's leave, ends the whole session and clears the site's cookies
    return redirect("public:chat")
